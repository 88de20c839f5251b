// The packing half of scripts/pack-plugins.sh (which builds first):
//   node scripts/pack-plugins.mjs OUTDIR plugins/<dir>...
// For each package: what `backstage-cli package prepack` does (entry points and exports → dist,
// publishConfig applied, `backstage` feature types detected, config.d.ts compiled to
// config.schema.json), but written into a staging folder instead of over the package's own
// package.json — other engineers edit these files while a pack runs, and prepack/postpack would
// silently undo an edit made in between. Then `npm pack` of the staging folder into OUTDIR, one
// line per tarball, and a check of its file list (exit 3 when a tarball is not clean).
// Uses @backstage/cli-module-build's productionPack, the function behind prepack (an internal
// module of the installed CLI: a CLI upgrade may move it; this script then fails loudly).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const cliBuild = path.join(ROOT, 'node_modules/@backstage/cli-module-build/dist/lib');
const { productionPack, compilePackageConfigSchemas } = require(path.join(cliBuild, 'packager/productionPack.cjs.js'));
const { createTypeDistProject } = require(path.join(cliBuild, 'typeDistProject.cjs.js'));
const { publishPreflightCheck } = require(path.join(cliBuild, 'publishing.cjs.js'));

const [outArg, ...dirArgs] = process.argv.slice(2);
if (!outArg || dirArgs.length === 0) {
  console.error('usage: node scripts/pack-plugins.mjs OUTDIR plugins/<dir>...');
  process.exit(2);
}
const OUT = path.resolve(outArg);
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Files that never belong in a published plugin package. */
function notClean(files) {
  return files.filter(f =>
    /(^|\/)__(testUtils|tests|fixtures|mocks)__\//.test(f) ||
    /\.test\.[cm]?[jt]sx?(\.map)?$/.test(f) ||
    /(^|\/)setupTests\./.test(f) ||
    /^src\//.test(f) ||
    /\.tsbuildinfo$/.test(f) ||
    f === 'config.d.ts' || // compiled to config.schema.json
    f === 'package.json-prepack',
  );
}

process.chdir(ROOT); // the CLI's helpers resolve the repository from the working directory
const packages = dirArgs.map(d => {
  const dir = path.resolve(ROOT, d);
  return { name: readJson(path.join(dir, 'package.json')).name, dir, packageJson: readJson(path.join(dir, 'package.json')) };
});
for (const p of packages) publishPreflightCheck(p);
// One TypeScript program for every config.d.ts (per-package compiles cost ~10 s each).
const schemas = await compilePackageConfigSchemas(packages);
const featureDetectionProject = await createTypeDistProject();

const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-plugins-'));
let failed = false;
try {
  for (const p of packages) {
    const target = path.join(staging, path.basename(p.dir));
    await productionPack({
      packageDir: p.dir,
      targetDir: target,
      featureDetectionProject,
      configSchema: schemas.get(p.name),
    });
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', OUT], {
      cwd: target, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    }));
    const files = info.files.map(f => f.path);
    const kb = Math.round(info.size / 1024);
    console.log(`${info.name.padEnd(60)} ${info.filename.padEnd(66)} ${String(kb).padStart(4)} kB ${String(files.length).padStart(4)} files`);
    const bad = notClean(files);
    if (bad.length > 0) {
      console.log(`  NOT CLEAN: ${bad.join(', ')}`);
      failed = true;
    }
  }
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
process.exit(failed ? 3 : 0);
