import { loadedGeneration } from './applyChanges';
import { ChangeJournal, type JournalState } from './journal';

/** A replica not heard from for this long is left out of the list. */
const GONE_MS = 60_000;

export interface RollingOptions {
  dynamicPluginsDir: string;
  /** Stable across restarts of the same replica (Kubernetes: the pod's host name; here host:port). */
  replicaId: string;
  boot: { id: string; startedAt: string };
  /** Ends this process to be started again. */
  restart(): void;
  log: { info(message: string): void };
  /** How long one replica may take to restart before the next may go anyway. Default 5 min. */
  leaseMs?: number;
  /** The generation this process loaded; default what `prepareDynamicPluginsStart` recorded. */
  loadedGeneration?: () => number | undefined;
}

export type RollingDecision = 'current' | 'waiting' | 'restarting';

/**
 * Brings every backend that shares the dynamic plugins folder to the changes an admin applied on
 * one of them, one at a time: each replica reports itself in the journal every few seconds; a
 * replica that loaded an older generation than the live one restarts, but only when no change is
 * being applied and no other replica holds the restart lease; the lease is released when the
 * restarted replica reports the live generation (or after `leaseMs`). The other replicas serve
 * meanwhile (behind Nginx / a Kubernetes Service nothing is down).
 */
export class RollingRestarts {
  private readonly journal: ChangeJournal;

  constructor(private readonly o: RollingOptions) {
    this.journal = new ChangeJournal(o.dynamicPluginsDir);
  }

  async tick(now = Date.now()): Promise<RollingDecision | undefined> {
    const loaded = (this.o.loadedGeneration ?? loadedGeneration)();
    if (loaded === undefined) return undefined;
    const { replicaId: id } = this.o;
    const decision = this.journal.update((s): RollingDecision => {
      s.replicas = Object.fromEntries(Object.entries(s.replicas ?? {}).filter(([, r]) => now - Date.parse(r.seenAt) < GONE_MS));
      s.replicas[id] = { bootId: this.o.boot.id, startedAt: this.o.boot.startedAt, seenAt: new Date(now).toISOString(), loadedGeneration: loaded };
      if ((s.liveGeneration ?? 0) <= loaded) {
        if (s.rolling?.holder === id) s.rolling = undefined;
        return 'current';
      }
      if (s.applying || (s.rolling && s.rolling.holder !== id && Date.parse(s.rolling.until) > now)) {
        return 'waiting';
      }
      s.rolling = { holder: id, since: new Date(now).toISOString(), until: new Date(now + (this.o.leaseMs ?? 5 * 60_000)).toISOString() };
      return 'restarting';
    });
    // The journal's update holds its lock: no other replica took the lease meanwhile.
    if (decision !== 'restarting') return decision;
    this.o.log.info(`Dynamic plugins: this replica (${id}) runs an older set than the live one; restarting to catch up`);
    this.o.restart();
    return 'restarting';
  }
}

/** The replicas as /changes shows them: each with whether it runs the live generation. */
export function replicasView(state: JournalState, now = Date.now()) {
  return Object.entries(state.replicas ?? {})
    .filter(([, r]) => now - Date.parse(r.seenAt) < GONE_MS)
    .map(([id, r]) => ({ id, bootId: r.bootId, startedAt: r.startedAt, seenAt: r.seenAt, current: (state.liveGeneration ?? 0) <= r.loadedGeneration, restarting: state.rolling?.holder === id }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
