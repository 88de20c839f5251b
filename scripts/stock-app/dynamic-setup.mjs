// The one change the dynamic install test makes to a stock app (after create-app, before
// `npm install`), once; after it, plugins are added without touching the app's code:
//  - packages/backend: depends on @backstage/backend-dynamic-feature-service and adds its
//    feature loader (`backend.add(dynamicPluginsFeatureLoader)`), the setup its README gives;
//  - packages/app: depends on our loader (a tarball, we do not publish to a registry) and passes
//    `dynamicFrontendFeatures()` to createApp;
//  - app-config.yaml: `dynamicPlugins.rootDirectory: dynamic-plugins-root` (a folder in the app).
// Usage: node dynamic-setup.mjs <app-dir> <loader-tarball>
import fs from 'node:fs';
import path from 'node:path';

const [appDir, loaderTarball] = process.argv.slice(2).map(p => p && path.resolve(p));
if (!appDir || !loaderTarball) throw new Error('usage: dynamic-setup.mjs <app-dir> <loader-tarball>');

const edit = (file, fn) => {
  const p = path.join(appDir, file);
  fs.writeFileSync(p, fn(fs.readFileSync(p, 'utf8')));
};
const editJson = (file, fn) =>
  edit(file, text => {
    const json = JSON.parse(text);
    fn(json);
    return `${JSON.stringify(json, null, 2)}\n`;
  });
const mustReplace = (text, from, to, file) => {
  if (!text.includes(from)) throw new Error(`${file}: '${from}' not found; the create-app template changed`);
  return text.replace(from, to);
};

editJson('packages/backend/package.json', pkg => {
  pkg.dependencies['@backstage/backend-dynamic-feature-service'] = '^0.8.7';
});
edit('packages/backend/src/index.ts', text => {
  const file = 'packages/backend/src/index.ts';
  let out = mustReplace(
    text,
    "import { createBackend } from '@backstage/backend-defaults';\n",
    "import { createBackend } from '@backstage/backend-defaults';\nimport { dynamicPluginsFeatureLoader } from '@backstage/backend-dynamic-feature-service';\n",
    file,
  );
  out = mustReplace(
    out,
    'const backend = createBackend();\n',
    'const backend = createBackend();\n\n// Dynamic plugins: every bundle in dynamicPlugins.rootDirectory, loaded at start.\nbackend.add(dynamicPluginsFeatureLoader);\n',
    file,
  );
  return out;
});

fs.mkdirSync(path.join(appDir, 'vendor'), { recursive: true });
const vendored = path.join(appDir, 'vendor', path.basename(loaderTarball));
fs.copyFileSync(loaderTarball, vendored);
editJson('packages/app/package.json', pkg => {
  pkg.dependencies['@stacktalk/plugin-frontend-dynamic-feature-loader'] = `file:../../vendor/${path.basename(loaderTarball)}`;
});
edit('packages/app/src/App.tsx', text => {
  let out = mustReplace(
    text,
    "import { createApp } from '@backstage/frontend-defaults';\n",
    "import { createApp } from '@backstage/frontend-defaults';\nimport { dynamicFrontendFeatures } from '@stacktalk/plugin-frontend-dynamic-feature-loader';\n",
    'packages/app/src/App.tsx',
  );
  out = mustReplace(out, 'features: [', 'features: [dynamicFrontendFeatures(), ', 'packages/app/src/App.tsx');
  return out;
});

fs.appendFileSync(
  path.join(appDir, 'app-config.yaml'),
  '\n# Dynamic plugins: bundles dropped into this folder are loaded at the next backend start.\ndynamicPlugins:\n  rootDirectory: dynamic-plugins-root\n',
);
fs.mkdirSync(path.join(appDir, 'dynamic-plugins-root'), { recursive: true });
console.log(`dynamic plugin support set up in ${appDir}`);
