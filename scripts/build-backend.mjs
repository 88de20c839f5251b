// The backend's production build (scripts/build-backend.sh runs it; so do the image and CI).
//
// Backstage's `backstage-cli package build` for a backend role bundles through `yarn workspaces
// focus`, which this npm-workspaces repository cannot run. This is the equal for npm:
//   1. every workspace package the backend reaches (its dependencies, transitively) has its src
//      compiled file by file with esbuild (TypeScript/TSX → CommonJS for Node 22; no bundling, so
//      `resolvePackagePath`, migrations and `require.resolve` keep working as in development);
//   2. a staging tree OUT/ gets, per package: the rewritten package.json (main/exports → dist,
//      no devDependencies), dist/, and what its `files` lists (migrations, config.d.ts, bin);
//      the app is staged as its built dist/ only (the backend serves it; its npm dependencies are
//      bundled into it already);
//   3. OUT/node_modules is a hard-linked copy of the installed node_modules, then
//      `npm prune --omit=dev`: production dependencies only, at exactly the lockfile's versions,
//      without touching the network.
// Run: node scripts/build-backend.mjs OUT   (the app must be built first; build-backend.sh does).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist-backend'));
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

// name → directory (relative to ROOT) of every workspace package
const workspaces = new Map();
for (const group of ['packages', 'plugins']) {
  for (const dir of fs.readdirSync(path.join(ROOT, group))) {
    const pkgFile = path.join(ROOT, group, dir, 'package.json');
    if (fs.existsSync(pkgFile)) workspaces.set(readJson(pkgFile).name, `${group}/${dir}`);
  }
}

// The backend and the workspace packages it depends on, transitively (production deps only).
function reachable(start) {
  const seen = new Set();
  const visit = name => {
    if (seen.has(name)) return;
    seen.add(name);
    const pkg = readJson(path.join(ROOT, workspaces.get(name), 'package.json'));
    if (name === 'app') return; // staged as its built bundle; its dependencies are in it
    for (const dep of Object.keys(pkg.dependencies ?? {})) if (workspaces.has(dep)) visit(dep);
  };
  visit(start);
  return [...seen];
}

const isTest = file =>
  /\.test\.tsx?$|(^|\/)setupTests\.ts$|(^|\/)__(tests|fixtures|mocks)__\//.test(file);

function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** A published (prepacked) dist path, back as the path of its source file. */
const fromPrepacked = p => {
  const m = /^(?:\.\/)?dist\/(.*)\.(?:cjs|esm)\.js$/.exec(p);
  return m ? `./src/${m[1]}.ts` : p;
};
const toDist = p => p.replace(/^\.\/src\//, './dist/').replace(/\.tsx?$/, '.js');

async function stagePackage(name) {
  const rel = workspaces.get(name);
  const src = path.join(ROOT, rel);
  const dst = path.join(OUT, rel);
  const pkg = readJson(path.join(src, 'package.json'));
  // `backstage-cli package prepack` (scripts/pack-plugins.sh) rewrites package.json to its
  // published form (main/exports → dist/*.cjs.js) until postpack. Read during a pack, such a
  // path names the file this build compiles from the same source (dist/index.cjs.js → dist/index.js).
  for (const key of ['main', 'module']) if (pkg[key]) pkg[key] = fromPrepacked(pkg[key]);
  if (pkg.exports && typeof pkg.exports === 'object') {
    pkg.exports = Object.fromEntries(Object.entries(pkg.exports).map(([k, v]) => [k, typeof v === 'string' ? fromPrepacked(v) : v]));
  }
  fs.mkdirSync(dst, { recursive: true });
  if (name === 'app') {
    if (!fs.existsSync(path.join(src, 'dist/index.html'))) {
      throw new Error('packages/app/dist is missing: build the app first (scripts/build-backend.sh does)');
    }
    fs.cpSync(path.join(src, 'dist'), path.join(dst, 'dist'), { recursive: true });
    writeJson(path.join(dst, 'package.json'), {
      name: pkg.name, version: pkg.version, private: true, backstage: pkg.backstage, files: ['dist'],
    });
    return;
  }
  const files = listFiles(path.join(src, 'src')).filter(f => !isTest(f));
  const code = files.filter(f => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  await build({
    entryPoints: code.map(f => path.join(src, 'src', f)),
    outdir: path.join(dst, 'dist'),
    outbase: path.join(src, 'src'),
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const f of files.filter(x => !/\.tsx?$/.test(x))) { // json, sql, svg, … next to the code
    fs.mkdirSync(path.dirname(path.join(dst, 'dist', f)), { recursive: true });
    fs.copyFileSync(path.join(src, 'src', f), path.join(dst, 'dist', f));
  }
  for (const extra of pkg.files ?? []) {
    if (extra === 'dist' || !fs.existsSync(path.join(src, extra))) continue;
    fs.cpSync(path.join(src, extra), path.join(dst, extra), { recursive: true });
  }
  const staged = { ...pkg, main: toDist(`./${pkg.main ?? 'src/index.ts'}`) };
  delete staged.types;
  delete staged.devDependencies;
  delete staged.scripts;
  if (pkg.exports) {
    staged.exports = Object.fromEntries(
      Object.entries(pkg.exports)
        .filter(([key]) => key !== './testUtils')
        .map(([key, target]) => [key, toDist(target)]),
    );
  }
  if (name === 'backend') delete staged.dependencies.app; // staged next to it, linked below
  writeJson(path.join(dst, 'package.json'), staged);
}

const started = Date.now();
fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });
const names = reachable('backend');
for (const name of names) await stagePackage(name);

// Peer dependencies (react, react-dom of the report sections) are the host's to provide: npm
// here runs with --legacy-peer-deps and would not keep them. Pinned at the installed version.
const peers = {};
for (const name of names) {
  const pkg = readJson(path.join(ROOT, workspaces.get(name), 'package.json'));
  for (const dep of Object.keys(pkg.peerDependencies ?? {})) {
    if (!workspaces.has(dep)) peers[dep] = readJson(path.join(ROOT, 'node_modules', dep, 'package.json')).version;
  }
}
const rootPkg = readJson(path.join(ROOT, 'package.json'));
writeJson(path.join(OUT, 'package.json'), {
  name: rootPkg.name, version: rootPkg.version, private: true, engines: rootPkg.engines,
  workspaces: names.map(n => workspaces.get(n)).sort(),
  dependencies: peers,
  overrides: rootPkg.overrides,
});
fs.copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(OUT, 'package-lock.json'));
for (const f of ['app-config.yaml', 'app-config.production.yaml', 'catalog-info.yaml', 'mkdocs.yml']) {
  fs.copyFileSync(path.join(ROOT, f), path.join(OUT, f));
}
fs.cpSync(path.join(ROOT, 'docs'), path.join(OUT, 'docs'), { recursive: true }); // the portal's own TechDocs

// Production dependencies: a hard-linked copy of node_modules (instant, no second copy on disk),
// pruned by npm against the staged workspaces and the lockfile. npm replaces files rather than
// writing into them, so the original node_modules is never changed.
execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(OUT, 'node_modules')]);
fs.rmSync(path.join(OUT, 'node_modules/.stacktalk-install'), { force: true });
fs.rmSync(path.join(OUT, 'node_modules/.package-lock.json'), { force: true });
execFileSync('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--offline',
  '--ignore-scripts', '--loglevel=error'], { cwd: OUT, stdio: 'inherit' });
// The app is not an npm dependency any more; the backend finds it by package name.
fs.rmSync(path.join(OUT, 'node_modules/app'), { recursive: true, force: true });
fs.symlinkSync('../packages/app', path.join(OUT, 'node_modules/app'));
process.stdout.write(`built ${names.length} packages into ${path.relative(process.cwd(), OUT) || '.'} in ${
  ((Date.now() - started) / 1000).toFixed(1)} s\n`);
