#!/usr/bin/env node
/* Fixture add-ins for the fixture GitHub API (src/fixture/fixtureAddInsCli.ts); not for production. */
require('@backstage/cli/config/nodeTransform.cjs');
process.exitCode = require('../src/fixture/fixtureAddInsCli').runFixtureAddInsCli(process.argv.slice(2));
