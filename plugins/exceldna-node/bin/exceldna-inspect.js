#!/usr/bin/env node
/* The exceldna-inspect CLI: runs the TypeScript sources through Backstage's node transform. */
require('@backstage/cli/config/nodeTransform.cjs');
process.exitCode = require('../src/cli').runCli(process.argv.slice(2));
