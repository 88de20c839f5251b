/**
 * The real portal backend (src/index.ts, app-config.yaml) with dynamic plugins: it starts with
 * an empty dynamic plugins folder (and creates a missing one), and a plugin bundle dropped into
 * the folder is loaded at the next start: its routes answer, behind the backend's auth.
 * The bundle is a fixture backend plugin written by the test (a package folder with
 * package.json and dist/index.cjs.js, which is what `scripts/bundle-plugin.sh` produces).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { targetPaths } from '@backstage/cli-common';

jest.setTimeout(240_000);

const ROOT = targetPaths.rootDir;

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => res(port));
    });
    server.on('error', rej);
  });
}

/** A backend plugin as a dynamic bundle: `/health` open, `/hello` for signed-in callers only. */
function writeFixtureBundle(dir: string) {
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: '@stacktalk-fixture/plugin-dynamic-hello-backend',
      version: '0.0.1',
      main: 'dist/index.cjs.js',
      backstage: { role: 'backend-plugin', pluginId: 'dynamic-hello' },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'dist', 'index.cjs.js'),
    `'use strict';
const { coreServices, createBackendPlugin } = require('@backstage/backend-plugin-api');
const express = require('express');
exports.default = createBackendPlugin({
  pluginId: 'dynamic-hello',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
      async init({ httpRouter, httpAuth }) {
        const router = express.Router();
        router.get('/health', (_req, res) => res.json({ status: 'ok' }));
        router.get('/hello', async (req, res) => {
          const credentials = await httpAuth.credentials(req, { allow: ['user'] });
          res.json({ hello: credentials.principal.userEntityRef });
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
`,
  );
}

interface Backend {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function startPortalBackend(dynamicDir: string, dataDir: string): Promise<Backend> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const overlay = path.join(dataDir, `app-config.test-${port}.yaml`);
  fs.writeFileSync(
    overlay,
    [
      `app: { baseUrl: ${url} }`,
      'backend:',
      `  baseUrl: ${url}`,
      `  listen: { port: ${port} }`,
      `  cors: { origin: ${url} }`,
      `  database: { client: better-sqlite3, connection: { directory: ${dataDir}/sqlite } }`,
      `techdocs: { publisher: { type: local, local: { publishDirectory: ${dataDir}/techdocs } } }`,
      `secrets: { localKeyFile: ${dataDir}/secrets/local-key.json }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      path.join(ROOT, 'packages/backend/src/index.ts'),
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      overlay,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        STACKTALK_DYNAMIC_PLUGINS_DIR: dynamicDir,
        // A folder outside the repository sees the portal's modules through NODE_PATH
        // (Backstage's scanner requires it).
        NODE_PATH: path.join(ROOT, 'node_modules'),
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  await new Promise<void>((res, rej) => {
    const onExit = (code: number | null) =>
      rej(new Error(`portal backend exited ${code}:\n${output.slice(-4000)}`));
    child.on('exit', onExit);
    const check = setInterval(() => {
      if (output.includes('Plugin initialization complete')) {
        clearInterval(check);
        child.off('exit', onExit);
        res();
      }
    }, 200);
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>(r => {
        if (child.exitCode !== null) {
          r();
          return;
        }
        child.on('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

describe('dynamic plugins in the portal backend', () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stacktalk-dynamic-'));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('starts with a missing folder (created empty), then loads a bundle dropped into it at the next start', async () => {
    const dynamicDir = path.join(work, 'dynamic-plugins');
    const dataDir = path.join(work, 'data');
    fs.mkdirSync(dataDir, { recursive: true });

    let backend = await startPortalBackend(dynamicDir, dataDir);
    try {
      expect(fs.statSync(dynamicDir).isDirectory()).toBe(true);
      const remotes = await fetch(`${backend.url}/.backstage/dynamic-features/remotes`);
      expect(remotes.status).toBe(200);
      expect(await remotes.json()).toEqual([]);
      expect((await fetch(`${backend.url}/api/dynamic-hello/health`)).status).toBe(404);
      // The static plugins are unaffected.
      expect((await fetch(`${backend.url}/api/portal-status/features`)).status).toBe(401);
    } finally {
      await backend.stop();
    }

    writeFixtureBundle(path.join(dynamicDir, 'stacktalk-fixture-plugin-dynamic-hello-backend'));

    backend = await startPortalBackend(dynamicDir, dataDir);
    try {
      const health = await fetch(`${backend.url}/api/dynamic-hello/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      // The dynamic plugin's routes sit behind the backend's auth like any other plugin's.
      expect((await fetch(`${backend.url}/api/dynamic-hello/hello`)).status).toBe(401);
      expect(backend.output()).toContain('dynamic-hello');
    } finally {
      await backend.stop();
    }
  });
});
