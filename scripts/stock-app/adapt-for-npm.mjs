// The only changes made to the app that `@backstage/create-app` generates, besides the
// install lines (scripts/stock-app/install-plugins.mjs). The template targets Yarn 4, which
// cannot reach its registry here; npm can, and needs three changes:
//  1. `resolutions` (Yarn) → `overrides` (npm), with react/react-dom pinned to 18 as the
//     template's own package.json ranges ask for (same pins as this repository's root).
//  2. packages/backend's `"app": "link:../app"` (Yarn's link protocol) → `"app": "*"`, which
//     npm resolves to the workspace package.
//  3. every @backstage dependency at the exact version create-app names (its own version table,
//     dist/lib/versions.cjs.js) instead of `^version`, and the same versions as npm overrides
//     for transitive uses. create-app seeds Yarn with a yarn.lock of the release (fetched from
//     GitHub, out of reach here); without it the ^ranges take later releases that do not fit
//     the release's backend-defaults (signals-backend 0.3.21 needs
//     httpRouter.addWebSocketHandler from backend-defaults 0.19, Backstage 1.56). npm's
//     `before` date cannot stand in: this registry's publish dates are not in release order.
// Usage: node adapt-for-npm.mjs <app-dir> <create-app's dist/lib/versions.cjs.js>
import fs from 'node:fs';
import path from 'node:path';

import { createRequire } from 'node:module';

const [dir, versionsModule] = process.argv.slice(2);
if (!dir || !versionsModule) throw new Error('usage: adapt-for-npm.mjs <app-dir> <versions.cjs.js>');
const { packageVersions } = createRequire(import.meta.url)(path.resolve(versionsModule));
const release = Object.fromEntries(Object.entries(packageVersions).filter(([name]) => name.startsWith('@backstage/')));
const pinned = deps => {
  for (const name of Object.keys(deps ?? {})) if (release[name]) deps[name] = release[name];
};
const edit = (file, fn) => {
  const p = path.join(dir, file);
  const json = JSON.parse(fs.readFileSync(p, 'utf8'));
  fn(json);
  fs.writeFileSync(p, `${JSON.stringify(json, null, 2)}\n`);
};

edit('package.json', pkg => {
  pinned(pkg.devDependencies);
  const direct = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }));
  pkg.overrides = {
    ...Object.fromEntries(Object.entries(release).filter(([name]) => !direct.has(name))),
    ...pkg.resolutions,
    react: '18.3.1',
    'react-dom': '18.3.1',
  };
  delete pkg.resolutions;
  delete pkg.packageManager;
});
edit('packages/app/package.json', pkg => {
  pinned(pkg.dependencies);
  pinned(pkg.devDependencies);
});
edit('packages/backend/package.json', pkg => {
  pinned(pkg.dependencies);
  pinned(pkg.devDependencies);
  if (pkg.dependencies.app?.startsWith('link:')) pkg.dependencies.app = '*';
});
