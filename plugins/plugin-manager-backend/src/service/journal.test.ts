/**
 * The change journal shared by every backend on a dynamic plugins folder: updates from several
 * processes at once (replicas reporting every few seconds while an admin records a change) must
 * not lose each other's changes. Real processes (sucrase-node runs journal.ts in each).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ChangeJournal, withFileLock } from './journal';

let work: string;
let dir: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
  dir = path.join(work, 'dynamic-plugins');
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

const sucraseNode = require.resolve('sucrase/bin/sucrase-node');

describe('the change journal', () => {
  it('loses no update when four processes update it at once', async () => {
    const script = path.join(work, 'writer.js');
    fs.writeFileSync(script, `
      const { ChangeJournal } = require(${JSON.stringify(path.join(__dirname, 'journal.ts'))});
      const [dir, name] = process.argv.slice(2);
      const journal = new ChangeJournal(dir);
      for (let i = 0; i < 40; i++) {
        journal.record({ package: name + '-' + i, action: 'disable', by: 'user:default/admin' });
        journal.update(s => { s.replicas = { ...s.replicas, [name]: { bootId: String(i), startedAt: '', seenAt: '', loadedGeneration: i } }; });
      }
    `);
    await Promise.all(['a', 'b', 'c', 'd'].map(name => promisify(execFile)(process.execPath, [sucraseNode, script, dir, name])));
    const state = new ChangeJournal(dir).read();
    expect(state.pending).toHaveLength(160);
    expect(state.generation).toBe(160);
    expect(Object.keys(state.replicas ?? {}).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(fs.existsSync(`${dir}.journal.json.lock`)).toBe(false);
  }, 60_000);

  it('breaks a lock left by a process that died', () => {
    const journal = new ChangeJournal(dir);
    journal.record({ package: '@x/a', action: 'disable', by: 'user:default/admin' });
    const lock = `${journal.file}.lock`;
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    journal.record({ package: '@x/b', action: 'disable', by: 'user:default/admin' });
    expect(journal.read().pending.map(c => c.package)).toEqual(['@x/a', '@x/b']);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('releases the lock when the update throws', () => {
    const journal = new ChangeJournal(dir);
    expect(() => journal.update(() => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(withFileLock(journal.file, () => 'again')).toBe('again');
  });
});
