/**
 * Rolling restarts of replicas sharing one dynamic plugins folder (a real temporary folder and
 * journal): replicas are simulated by their loaded generation and a restart that records itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { confirmDynamicPluginsStart, prepareDynamicPluginsStart } from './applyChanges';
import { ChangeJournal } from './journal';
import { replicasView, RollingRestarts } from './rolling';
import { listenPort } from '../plugin';

let dir: string;
const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rolling-')), 'dynamic-plugins');
  fs.mkdirSync(dir);
});

/** A replica: what it loaded, and its restarts (each a new process that loads the current folder). */
function replica(id: string, leaseMs?: number) {
  const r = {
    loaded: new ChangeJournal(dir).read().generation ?? 0,
    restarts: 0,
    rolling: undefined as unknown as RollingRestarts,
    startAgain() {
      r.restarts += 1;
      r.loaded = new ChangeJournal(dir).read().generation ?? 0;
    },
  };
  r.rolling = new RollingRestarts({
    dynamicPluginsDir: dir,
    replicaId: id,
    boot: { id: `${id}-boot`, startedAt: new Date().toISOString() },
    restart: () => {
      r.restarts += 1;
    },
    log,
    leaseMs,
    loadedGeneration: () => r.loaded,
  });
  return r;
}

/** An admin installs a plugin on replica A and applies it: A restarts, loads it, confirms it live. */
async function applyOn(a: ReturnType<typeof replica>) {
  const journal = new ChangeJournal(dir);
  fs.mkdirSync(path.join(dir, 'x-runbook'));
  fs.writeFileSync(path.join(dir, 'x-runbook', 'package.json'), JSON.stringify({ name: '@x/runbook', backstage: { role: 'frontend-plugin' } }));
  journal.record({ package: '@x/runbook', action: 'install', by: 'user:default/admin', role: 'frontend-plugin', folder: 'x-runbook' });
  journal.beginApply('user:default/admin');
  prepareDynamicPluginsStart(dir, log); // A's new process
  a.startAgain();
  await confirmDynamicPluginsStart({ dynamicPluginsDir: dir, log, runningPluginIds: async () => new Set(), answers: async () => ({ answering: true }), restart: jest.fn() });
}

describe('rolling restarts of replicas sharing the dynamic plugins folder', () => {
  it('after a change goes live on one replica, the others catch up one at a time', async () => {
    const [a, b, c] = [replica('a:7007'), replica('b:7007'), replica('c:7007')];
    expect(await Promise.all([a, b, c].map(r => r.rolling.tick()))).toEqual(['current', 'current', 'current']);

    await applyOn(a);
    expect(await a.rolling.tick()).toBe('current');
    expect(await b.rolling.tick()).toBe('restarting');
    expect(b.restarts).toBe(1);
    // c is behind too, but b holds the lease: c waits while b restarts.
    expect(await c.rolling.tick()).toBe('waiting');
    expect(c.restarts).toBe(0);
    expect(replicasView(new ChangeJournal(dir).read())).toEqual([
      expect.objectContaining({ id: 'a:7007', current: true, restarting: false }),
      expect.objectContaining({ id: 'b:7007', current: false, restarting: true }),
      expect.objectContaining({ id: 'c:7007', current: false, restarting: false }),
    ]);

    b.loaded = new ChangeJournal(dir).read().generation ?? 0; // b's new process loaded the folder
    expect(await b.rolling.tick()).toBe('current');
    expect(new ChangeJournal(dir).read().rolling).toBeUndefined();
    expect(await c.rolling.tick()).toBe('restarting');
    c.loaded = new ChangeJournal(dir).read().generation ?? 0;
    expect(await c.rolling.tick()).toBe('current');
    expect(replicasView(new ChangeJournal(dir).read()).every(r => r.current)).toBe(true);
    expect([a.restarts, b.restarts, c.restarts]).toEqual([1, 1, 1]);
  });

  it('nobody catches up while a change is still being applied, nor for changes only pending', async () => {
    const [a, b] = [replica('a:7007'), replica('b:7007')];
    const journal = new ChangeJournal(dir);
    journal.record({ package: '@x/y', action: 'disable', by: 'user:default/admin' });
    expect(await b.rolling.tick()).toBe('current'); // pending only: not live anywhere yet
    journal.beginApply();
    expect(await b.rolling.tick()).toBe('current');
    expect([a.restarts, b.restarts]).toEqual([0, 0]);
  });

  it('a replica that does not come back within the lease does not block the others', async () => {
    const [a, b, c] = [replica('a:7007'), replica('b:7007', 1000), replica('c:7007', 1000)];
    await applyOn(a);
    const now = Date.now();
    expect(await b.rolling.tick(now)).toBe('restarting');
    expect(await c.rolling.tick(now + 500)).toBe('waiting');
    expect(await c.rolling.tick(now + 1500)).toBe('restarting');
  });
});

describe('the replica id', () => {
  it('takes the port from backend.listen in each of its forms (a string made the plugin fail to start)', () => {
    expect(listenPort(':7101')).toBe('7101');
    expect(listenPort('0.0.0.0:7102')).toBe('7102');
    expect(listenPort({ port: 7007, host: '0.0.0.0' })).toBe('7007');
    expect(listenPort(undefined)).toBe('7007');
  });
});
