import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// `make start`'s foreground run (scripts/portal.sh) with a stand-in backend that logs like the
// real one, and the real fixture Kubernetes API server: Ctrl-C (SIGINT to the whole process group,
// as a terminal sends it) must end with status 0 and stop the fixture; the terminal shows warnings
// and the address, not the access log.
const ROOT = resolve(__dirname, '../../../..');
jest.setTimeout(60_000);

const FAKE_BACKEND = `
const log = (level, msg) => console.log(new Date().toISOString() + ' backstage ' + level + ' ' + msg);
log('info', '[04/Dec/2026] "GET /api/catalog/entities HTTP/1.1" 200 512');
log('warn', 'GENERATED a local secrets key');
log('info', 'Plugin initialization complete, newly initialized: app');
const stop = () => { log('info', 'shutting down'); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => log('info', '"GET /healthz HTTP/1.1" 200 2'), 200);
`;

async function freePort(): Promise<number> {
  return new Promise(res => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

async function listening(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => true,
    () => false,
  );
}

describe('scripts/portal.sh run_portal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portal-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on Ctrl-C stops the portal and the fixtures it started, and exits 0; the terminal shows warnings and the address only', async () => {
    const port = await freePort();
    const githubPort = await freePort();
    const fakeBackend = join(dir, 'fake-backend.js');
    writeFileSync(fakeBackend, FAKE_BACKEND);
    const script = `
      source scripts/lib.sh
      source scripts/portal.sh
      PORTAL_LOG=${JSON.stringify(join(dir, 'portal.log'))}
      BACKEND_CMD=(node ${JSON.stringify(fakeBackend)})
      KUBERNETES_FIXTURE_PORT=${port} start_kubernetes_fixture
      GITHUB_FIXTURE_PORT=${githubPort} start_github_fixture
      run_portal
    `;
    const child = spawn('bash', ['-c', script], { cwd: ROOT, detached: true, env: { ...process.env, PATH: process.env.PATH } });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (out += d));
    const exited = new Promise<number | null>(res => child.on('exit', code => res(code)));

    const deadline = Date.now() + 30_000;
    while (!out.includes('is ready') && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
    expect(out).toContain('StackTalk Portal is ready: http://localhost:7007');
    expect(await listening(port)).toBe(true);
    expect(await listening(githubPort)).toBe(true);

    process.kill(-child.pid!, 'SIGINT'); // what Ctrl-C in a terminal does
    expect(await exited).toBe(0);

    expect(await listening(port)).toBe(false);
    expect(await listening(githubPort)).toBe(false);
    expect(out).toContain('GENERATED a local secrets key');
    expect(out).not.toContain('GET /api/catalog/entities');
    expect(out).toContain('stopped');
    const logFile = readFileSync(join(dir, 'portal.log'), 'utf8');
    expect(logFile).toContain('GET /api/catalog/entities');
    expect(logFile).toContain('shutting down');
  });

  it('run_with_progress says what runs and how long it takes, keeps the output in a file, and shows its end on failure', () => {
    const logFile = join(dir, 'step.log');
    const run = (cmd: string) =>
      spawnSync('bash', ['-c', `source scripts/lib.sh; run_with_progress "installing things" "about 4 minutes" ${logFile} ${cmd}`], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    const ok = run('bash -c "echo npm noise; exit 0"');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('installing things (about 4 minutes; output in');
    expect(ok.stdout).not.toContain('npm noise');
    expect(readFileSync(logFile, 'utf8')).toContain('npm noise');
    const failed = run('bash -c "echo ERR! broken; exit 3"');
    expect(failed.status).toBe(3);
    expect(failed.stderr).toContain('installing things failed (exit 3)');
    expect(failed.stderr).toContain('ERR! broken');
  });
});
