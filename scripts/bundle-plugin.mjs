// Makes the dynamic-plugin bundle of one workspace plugin (docs/dynamic-plugins.md): a folder
// that Backstage's dynamic feature service loads when it sits in `dynamicPlugins.rootDirectory`.
// `backstage-cli package bundle` does this with Yarn (yarn pack, a pruned yarn.lock, yarn
// install), which this npm repository cannot run; this script produces the same layout:
//
// backend plugin or module:
//   <out>/<mangled-name>/package.json       main dist/index.cjs.js, bundleDependencies, no dev deps
//   <out>/<mangled-name>/dist/...            `backstage-cli package build` output
//   <out>/<mangled-name>/dist/.config-schema.json   the plugin's config schema, compiled
//   <out>/<mangled-name>/embedded/<name>/   the workspace libraries it needs (-node, -common), built
//   <out>/<mangled-name>/node_modules/      its private dependencies (npm install --omit=dev)
// frontend plugin or module:
//   <out>/<mangled-name>/package.json       main ./dist/remoteEntry.js
//   <out>/<mangled-name>/dist/               `backstage-cli package build --module-federation`
//                                            (remoteEntry.js, mf-manifest.json, static/)
//
// Usage: node scripts/bundle-plugin.mjs <package-dir> <out-dir>
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));

const [pkgArg, outArg] = process.argv.slice(2);
if (!pkgArg || !outArg) {
  console.error('usage: bundle-plugin.sh <package-dir> <out-dir>');
  process.exit(2);
}
const pkgDir = path.resolve(pkgArg);
const outDir = path.resolve(outArg);
const readJson = p => JSON.parse(fs.readFileSync(p, 'utf8'));
const pkg = readJson(path.join(pkgDir, 'package.json'));
const role = pkg.backstage?.role;
const BACKEND = ['backend-plugin', 'backend-plugin-module'];
const FRONTEND = ['frontend-plugin', 'frontend-plugin-module'];
if (![...BACKEND, ...FRONTEND].includes(role)) {
  console.error(`${pkg.name}: role ${role} cannot be bundled (a backend or frontend plugin or module can)`);
  process.exit(2);
}
const mangle = name => name.replace(/^@/, '').replace(/\//, '-');
const target = path.join(outDir, mangle(pkg.name));
const cli = path.join(ROOT, 'node_modules/.bin/backstage-cli');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

/** Workspace packages by name (npm workspaces: root package.json "workspaces"). */
function workspacePackages() {
  const found = new Map();
  for (const parent of ['packages', 'plugins']) {
    for (const entry of fs.readdirSync(path.join(ROOT, parent))) {
      const file = path.join(ROOT, parent, entry, 'package.json');
      if (fs.existsSync(file)) found.set(readJson(file).name, path.join(ROOT, parent, entry));
    }
  }
  return found;
}

/** `exports` of a built package: ./src/x.ts entries pointed at dist/x.cjs.js. */
function distExports(exportsField) {
  if (!exportsField) return undefined;
  const out = {};
  for (const [mount, file] of Object.entries(exportsField)) {
    if (typeof file !== 'string') continue;
    if (file.endsWith('package.json')) {
      out[mount] = file;
      continue;
    }
    const base = path.basename(file).replace(/\.(tsx?|jsx?)$/, '');
    out[mount] = { types: `./dist/${base}.d.ts`, default: `./dist/${base}.cjs.js` };
  }
  return out;
}

/** The compiled config schema of a package (what the dynamic feature service validates against). */
async function writeConfigSchema(dir, packageJson, dest) {
  if (!packageJson.configSchema) return false;
  const { loadConfigSchema } = require('@backstage/config-loader');
  const schema = await loadConfigSchema({
    dependencies: [],
    packagePaths: [path.join(dir, 'package.json')],
  });
  const serialized = schema.serialize();
  const schemas = (serialized.schemas ?? []).filter(s => s.packageName === packageJson.name);
  if (schemas.length === 0) return false;
  fs.mkdirSync(path.join(dest, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dest, 'dist', '.config-schema.json'),
    JSON.stringify({ backstageConfigSchemaVersion: 1, schemas }, null, 2),
  );
  return true;
}

function copyFiles(dir, packageJson, dest) {
  fs.mkdirSync(dest, { recursive: true });
  for (const f of packageJson.files ?? ['dist']) {
    const from = path.join(dir, f);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dest, f), { recursive: true });
  }
}

async function bundleBackend() {
  const workspace = workspacePackages();
  // The workspace libraries the plugin needs, transitively.
  const locals = new Map();
  const visit = deps => {
    for (const name of Object.keys(deps ?? {})) {
      if (!workspace.has(name) || locals.has(name) || name === pkg.name) continue;
      const dir = workspace.get(name);
      const json = readJson(path.join(dir, 'package.json'));
      locals.set(name, { dir, json });
      visit(json.dependencies);
    }
  };
  visit(pkg.dependencies);

  for (const dir of [pkgDir, ...[...locals.values()].map(l => l.dir)]) {
    console.log(`building ${path.relative(ROOT, dir)}`);
    run(cli, ['package', 'build'], dir);
  }

  fs.rmSync(target, { recursive: true, force: true });
  const rewrite = (json, localRef) => {
    const out = { ...json };
    out.main = 'dist/index.cjs.js';
    out.types = 'dist/index.d.ts';
    const exp = distExports(json.exports);
    if (exp) out.exports = exp;
    else delete out.exports;
    delete out.private;
    delete out.publishConfig;
    out.scripts = {};
    out.devDependencies = {};
    out.dependencies = Object.fromEntries(
      Object.entries(json.dependencies ?? {}).map(([name, range]) => [name, locals.has(name) ? localRef(name) : range]),
    );
    return out;
  };

  copyFiles(pkgDir, pkg, target);
  const rootJson = rewrite(pkg, name => `file:./embedded/${mangle(name)}`);
  rootJson.bundleDependencies = true;
  if (await writeConfigSchema(pkgDir, pkg, target)) rootJson.configSchema = 'dist/.config-schema.json';
  for (const [name, { dir, json }] of locals) {
    const dest = path.join(target, 'embedded', mangle(name));
    copyFiles(dir, json, dest);
    const out = rewrite(json, dep => `file:../${mangle(dep)}`);
    if (await writeConfigSchema(dir, json, dest)) out.configSchema = 'dist/.config-schema.json';
    fs.writeFileSync(path.join(dest, 'package.json'), `${JSON.stringify(out, null, 2)}\n`);
  }
  fs.writeFileSync(path.join(target, 'package.json'), `${JSON.stringify(rootJson, null, 2)}\n`);

  // Private dependencies, from the registry (peer dependencies come from the host backend).
  console.log(`installing the private dependencies of ${pkg.name}`);
  run(
    'npm',
    ['install', '--omit=dev', '--omit=peer', '--legacy-peer-deps', '--no-audit', '--no-fund', '--install-links', '--no-package-lock', '--ignore-scripts'],
    target,
  );

  // The same check `backstage-cli package bundle` makes: the entry point loads and its default
  // export is a backend feature.
  const bundleRequire = createRequire(path.join(target, 'package.json'));
  const main = bundleRequire(target);
  if (main?.default?.$$type !== '@backstage/BackendFeature') {
    throw new Error(`${pkg.name}: the bundle's default export is not a BackendFeature`);
  }
}

async function bundleFrontend() {
  console.log(`building ${path.relative(ROOT, pkgDir)} as a module federation remote`);
  run(cli, ['package', 'build', '--module-federation'], pkgDir);
  const manifest = path.join(pkgDir, 'dist', 'mf-manifest.json');
  if (!fs.existsSync(manifest)) throw new Error(`${pkg.name}: no dist/mf-manifest.json after the build`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  fs.cpSync(path.join(pkgDir, 'dist'), path.join(target, 'dist'), { recursive: true });
  // The remote build replaced the package's normal dist/; remove it so nothing packs it by mistake.
  fs.rmSync(path.join(pkgDir, 'dist'), { recursive: true, force: true });
  const out = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    main: './dist/remoteEntry.js',
    backstage: pkg.backstage,
  };
  fs.writeFileSync(path.join(target, 'package.json'), `${JSON.stringify(out, null, 2)}\n`);
}

if (BACKEND.includes(role)) await bundleBackend();
else await bundleFrontend();
console.log(`bundle: ${target}`);
