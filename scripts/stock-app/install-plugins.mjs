// Installs StackTalk plugin tarballs into a stock Backstage app the way a user of the app would:
// `npm install <tarballs>` in packages/app (frontend plugins, picked up by the stock app's
// feature discovery, `app.packages: all`) and in packages/backend (backend plugins and modules,
// plus the libraries they depend on), then one `backend.add(import('<package>'))` line per
// backend plugin or module in packages/backend/src/index.ts. Our permission policy replaces the
// stock allow-all policy (a backend can have only one policy).
// Usage: node install-plugins.mjs <app-dir> <tarball-dir>
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [appDir, tarballDir] = process.argv.slice(2).map(p => p && path.resolve(p));
if (!appDir || !tarballDir) throw new Error('usage: install-plugins.mjs <app-dir> <tarball-dir>');

function manifestOf(tarball) {
  const json = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  return JSON.parse(json);
}

const packages = fs
  .readdirSync(tarballDir)
  .filter(f => f.endsWith('.tgz'))
  .sort()
  .map(f => ({ file: path.join(tarballDir, f), manifest: manifestOf(path.join(tarballDir, f)) }));
if (packages.length === 0) throw new Error(`no .tgz in ${tarballDir}`);

const role = p => p.manifest.backstage?.role;
const frontend = packages.filter(p => ['frontend-plugin', 'frontend-plugin-module', 'web-library'].includes(role(p)));
const backend = packages.filter(p => ['backend-plugin', 'backend-plugin-module', 'node-library'].includes(role(p)));
// Common libraries go to both sides; npm dedupes them at the root. Installing every tarball
// we ship keeps npm from looking for an unpublished @stacktalk package on the registry.
const common = packages.filter(p => role(p) === 'common-library');

const npmInstall = (workspace, list) => {
  const args = ['install', '--legacy-peer-deps', '--no-audit', '--no-fund', '--prefer-offline', '--workspace', workspace, ...list.map(p => p.file)];
  console.log(`npm ${args.join(' ')}`);
  execFileSync('npm', args, { cwd: appDir, stdio: 'inherit' });
};
npmInstall('packages/app', [...frontend, ...common]);
npmInstall('packages/backend', [...backend, ...common]);

const indexFile = path.join(appDir, 'packages/backend/src/index.ts');
let index = fs.readFileSync(indexFile, 'utf8');
const added = [];
for (const p of backend.filter(q => role(q) !== 'node-library')) {
  const line = `backend.add(import('${p.manifest.name}'));`;
  if (!index.includes(line)) added.push(line);
}
if (backend.some(p => p.manifest.name.endsWith('-stacktalk-policy'))) {
  index = index.replace(
    /backend\.add\(\s*import\('@backstage\/plugin-permission-backend-module-allow-all-policy'\),?\s*\);\n/,
    '// allow-all policy replaced by @stacktalk/plugin-permission-backend-module-stacktalk-policy\n',
  );
}
if (added.length) {
  index = index.replace(/\nbackend\.start\(\);/, `\n// StackTalk plugins\n${added.join('\n')}\n\nbackend.start();`);
}
fs.writeFileSync(indexFile, index);
console.log(`frontend packages: ${frontend.map(p => p.manifest.name).join(', ')}`);
console.log(`backend lines added:\n${added.join('\n')}`);
