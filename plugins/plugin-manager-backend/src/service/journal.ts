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

/** A change as the API shows it: without the server path of its backup. */
export function publicChange({ backup, ...change }: PendingChange): PendingChange {
  return backup ? { ...change, replacedEarlierVersion: true } : change;
}

/**
 * The changes an admin made to the dynamic plugins folder and what became of them, in
 * `<folder>.journal.json` beside the folder: it outlives the process (a restart must know what
 * it is applying, a crashed start what to roll back), and every backend using the folder sees
 * the same. Writes go to a temporary file renamed over the journal (never half written).
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
    const state = this.read();
    const result = change(state);
    state.history = state.history.slice(0, HISTORY);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
    return result;
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
