/**
 * Applying admin changes across a restart, on a real temporary dynamic plugins folder: the
 * journal, the start that applies them, the confirmation (live or rolled back with the loader's
 * own error), the rollback of a start that crashed, and the earlier version put back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { confirmDynamicPluginsStart, prepareDynamicPluginsStart, recordStartFailure, undoChanges } from './applyChanges';
import { ChangeJournal } from './journal';

let work: string;
let dir: string;
const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'apply-changes-'));
  dir = path.join(work, 'dynamic-plugins');
  fs.mkdirSync(dir);
  jest.clearAllMocks();
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** A bundle folder in the dynamic plugins folder; `main` is its entry point's code. */
function bundleFolder(folder: string, pkg: object, main = "exports.default = { $$type: '@backstage/BackendFeature' };") {
  const target = path.join(dir, folder);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ main: 'index.js', ...pkg }));
  fs.writeFileSync(path.join(target, 'index.js'), main);
  return target;
}

function install(folder: string, name: string, pluginId: string, extra: object = {}) {
  new ChangeJournal(dir).record({ package: name, version: '1.0.0', action: 'install', by: 'user:default/admin', role: 'backend-plugin', folder, ...extra });
  return bundleFolder(folder, { name, version: '1.0.0', backstage: { role: 'backend-plugin', pluginId } });
}

const confirm = (running: string[], answers = true) => {
  const restart = jest.fn();
  return {
    restart,
    result: confirmDynamicPluginsStart({
      dynamicPluginsDir: dir,
      log,
      runningPluginIds: async () => new Set(running),
      answers: async () => ({ answering: answers, detail: answers ? '200' : 'HTTP 503' }),
      restart,
    }),
  };
};

describe('applying dynamic plugin changes across a restart', () => {
  it('keeps changes in a journal beside the folder that every process reads the same', () => {
    new ChangeJournal(dir).record({ package: '@x/a', action: 'disable', by: 'user:default/admin' });
    const other = new ChangeJournal(dir);
    expect(other.read().pending).toEqual([expect.objectContaining({ package: '@x/a', action: 'disable' })]);
    expect(fs.existsSync(`${dir}.journal.json`)).toBe(true);
  });

  it('a start takes the pending changes as the ones it applies; a confirmed plugin that answers is live', async () => {
    install('x-runbook', '@x/runbook', 'runbook');
    const id = new ChangeJournal(dir).beginApply('user:default/admin');
    prepareDynamicPluginsStart(dir, log);
    expect(new ChangeJournal(dir).read().applying).toMatchObject({ id, starts: 1 });
    const { result, restart } = confirm(['runbook']);
    const applied = await result;
    expect(applied).toMatchObject({ id, result: 'live', plugins: [{ package: '@x/runbook', pluginId: 'runbook', answering: true }] });
    expect(new ChangeJournal(dir).read().applying).toBeUndefined();
    expect(restart).not.toHaveBeenCalled();
    expect(fs.existsSync(path.join(dir, 'x-runbook'))).toBe(true);
  });

  it('rolls back a plugin whose entry point throws, with that error, and needs no restart for a new install', async () => {
    install('x-bad', '@x/bad', 'bad');
    fs.writeFileSync(path.join(dir, 'x-bad', 'index.js'), "throw new Error('Cannot find module left-pad');");
    prepareDynamicPluginsStart(dir, log);
    const { result, restart } = confirm(['catalog']);
    const applied = await result;
    expect(applied?.result).toBe('rolled-back');
    expect(applied?.error).toContain('@x/bad failed to load: Cannot find module left-pad');
    expect(fs.existsSync(path.join(dir, 'x-bad'))).toBe(false);
    expect(restart).not.toHaveBeenCalled();
  });

  it('rolls back a plugin that runs but does not answer', async () => {
    install('x-mute', '@x/mute', 'mute');
    prepareDynamicPluginsStart(dir, log);
    const applied = await confirm(['mute'], false).result;
    expect(applied).toMatchObject({ result: 'rolled-back', error: expect.stringContaining('plugin mute does not answer (HTTP 503)') });
  });

  it('an update that fails puts the earlier version back and restarts to load it', async () => {
    const earlier = bundleFolder('x-runbook', { name: '@x/runbook', version: '0.9.0', backstage: { role: 'backend-plugin', pluginId: 'runbook' } });
    const backup = path.join(`${dir}.backup`, '1-abc', 'x-runbook');
    fs.mkdirSync(path.dirname(backup), { recursive: true });
    fs.renameSync(earlier, backup);
    install('x-runbook', '@x/runbook', 'runbook', { backup });
    fs.writeFileSync(path.join(dir, 'x-runbook', 'index.js'), "throw new Error('broken 1.0.0');");
    prepareDynamicPluginsStart(dir, log);
    const { result, restart } = confirm(['catalog']);
    expect((await result)?.result).toBe('rolled-back');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'x-runbook', 'package.json'), 'utf8')).version).toBe('0.9.0');
    expect(restart).toHaveBeenCalledTimes(1);
  });

  it('a start that failed is rolled back by the next one, with the recorded error; the folder is as before', () => {
    install('x-broken', '@x/broken', 'broken');
    prepareDynamicPluginsStart(dir, log);
    recordStartFailure(dir, new Error("Plugin 'broken' startup failed; caused by Error: cannot reach the licence server"));
    prepareDynamicPluginsStart(dir, log);
    const state = new ChangeJournal(dir).read();
    expect(state.applying).toBeUndefined();
    expect(state.history[0]).toMatchObject({ result: 'rolled-back', error: expect.stringContaining('cannot reach the licence server') });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a start that died without a word twice is rolled back too (no crash loop)', () => {
    install('x-oom', '@x/oom', 'oom');
    prepareDynamicPluginsStart(dir, log);
    prepareDynamicPluginsStart(dir, log);
    expect(new ChangeJournal(dir).read().applying?.starts).toBe(2);
    prepareDynamicPluginsStart(dir, log);
    expect(new ChangeJournal(dir).read().history[0]).toMatchObject({ result: 'rolled-back', error: 'the backend did not start 2 times with these changes' });
    expect(fs.existsSync(path.join(dir, 'x-oom'))).toBe(false);
  });

  it('undoing an enable moves the plugin back among the disabled ones; disables and removals stay', () => {
    bundleFolder('x-a', { name: '@x/a', version: '1.0.0' });
    undoChanges(dir, [
      { package: '@x/b', action: 'disable', at: '', by: '' },
      { package: '@x/a', action: 'enable', at: '', by: '', folder: 'x-a' },
    ]);
    expect(fs.existsSync(path.join(`${dir}.disabled`, 'x-a', 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'x-a'))).toBe(false);
  });

  it('a start with nothing pending changes nothing', async () => {
    prepareDynamicPluginsStart(dir, log);
    expect(await confirm([]).result).toBeUndefined();
    expect(fs.existsSync(`${dir}.journal.json`)).toBe(true);
    expect(new ChangeJournal(dir).read()).toEqual({ pending: [], applying: undefined, history: [] });
  });
});
