import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppliedChanges, ApplyingChanges, PendingChange } from '@stacktalk/plugin-plugin-manager-common';

export type { AppliedChanges, ApplyingChanges, PendingChange };

/** A backend process using the folder, as it last reported itself (every few seconds). */
export interface ReplicaState {
  bootId: string;
  startedAt: string;
  seenAt: string;
  /** The folder generation this process loaded at its start. */
  loadedGeneration: number;
}

export interface JournalState {
  pending: PendingChange[];
  applying?: ApplyingChanges;
  /** Newest first, the last 20. */
  history: AppliedChanges[];
  /** Bumped by every change to the folder's content (a change recorded, a rollback). */
  generation?: number;
  /** The generation every backend on the folder should run: set when changes are confirmed live. */
  liveGeneration?: number;
  /** Backends using the folder, by replica id (rolling restarts). */
  replicas?: Record<string, ReplicaState>;
  /** The one replica allowed to restart now to catch up (one at a time), until `until`. */
  rolling?: { holder: string; since: string; until: string };
}

const HISTORY = 20;
/** A lock older than this is from a process that died holding it (an update takes milliseconds). */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 30_000;

const pause = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number) {
  Atomics.wait(pause, 0, 0, ms);
}

/**
 * Runs `fn` holding `<file>.lock`, created exclusively (O_EXCL: on one machine and on NFS v3+
 * only one process creates it), so read-modify-writes of processes sharing the folder never
 * lose each other's changes. A lock left by a process that died is broken after 10 s.
 */
export function withFileLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const start = Date.now();
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = fs.statSync(lock, { throwIfNoEntry: false }); // undefined: just released
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        fs.rmSync(lock, { force: true });
      } else if (Date.now() - start > LOCK_WAIT_MS) {
        throw new Error(`${lock} is held by another process for more than ${LOCK_WAIT_MS / 1000} s`);
      } else {
        sleepSync(5 + Math.random() * 10);
      }
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** A change as the API shows it: without the server path of its backup. */
export function publicChange({ backup, ...change }: PendingChange): PendingChange {
  return backup ? { ...change, replacedEarlierVersion: true } : change;
}

/** A set of changes (being applied, or applied) as the API shows it. */
export function withPublicChanges<T extends { changes: PendingChange[] }>(set: T): T {
  return { ...set, changes: set.changes.map(publicChange) };
}

/**
 * The changes an admin made to the dynamic plugins folder and what became of them, in
 * `<folder>.journal.json` beside the folder: it outlives the process (a restart must know what
 * it is applying, a crashed start what to roll back), and every backend using the folder sees
 * the same. Each update holds the journal's lock file (processes on the folder never lose each
 * other's updates) and writes a temporary file renamed over the journal (never half written).
 */
export class ChangeJournal {
  readonly file: string;

  constructor(readonly dynamicPluginsDir: string) {
    this.file = `${dynamicPluginsDir}.journal.json`;
  }

  read(): JournalState {
    try {
      const state = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return { ...state, pending: state.pending ?? [], history: state.history ?? [] };
    } catch {
      return { pending: [], history: [] };
    }
  }

  update<T>(change: (state: JournalState) => T): T {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    return withFileLock(this.file, () => {
      const state = this.read();
      const result = change(state);
      state.history = state.history.slice(0, HISTORY);
      const tmp = `${this.file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
      fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
      fs.renameSync(tmp, this.file);
      return result;
    });
  }

  record(change: Omit<PendingChange, 'at'>) {
    this.update(s => {
      s.pending.push({ ...change, at: new Date().toISOString() });
      s.generation = (s.generation ?? 0) + 1;
    });
  }

  /**
   * The pending changes become the ones being applied (merged into a set already being applied
   * that has not been confirmed). Returns the id of that set, undefined when there is nothing.
   */
  beginApply(by?: string): string | undefined {
    return this.update(s => {
      if (s.pending.length === 0) return s.applying?.id;
      if (s.applying) {
        s.applying.changes.push(...s.pending);
      } else {
        s.applying = { id: crypto.randomUUID(), changes: s.pending, requestedAt: new Date().toISOString(), requestedBy: by, starts: 0 };
      }
      s.pending = [];
      return s.applying.id;
    });
  }
}
