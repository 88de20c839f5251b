import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SecretStore } from './SecretStore';

export interface RewrapStatus {
  running: boolean;
  lastRun?: { startedAt: string; finishedAt?: string; rewrapped: number; actor: string; error?: string };
}

/** A run no replica has updated for this long is not running any more (its replica died). */
const STALE_MS = 120_000;

/**
 * Moves every data key onto the active key-encryption key, in small batches so reads and writes
 * continue meanwhile. Runs on the scheduler and on demand; one run at a time per instance. Its
 * status is in the database (`rewrap_runs`), so every replica answers the same.
 */
export class Rewrapper {
  private current?: Promise<number>;
  private last?: RewrapStatus['lastRun'];

  constructor(private readonly store: SecretStore, private readonly logger: LoggerService, private readonly batchSize = 500) {}

  /** The latest run of any replica; running while this replica runs it or another updated it lately. */
  async status(): Promise<RewrapStatus> {
    if (this.current) return { running: true, ...(this.last ? { lastRun: this.last } : {}) };
    const latest = await this.store.latestRewrap();
    if (!latest) return { running: false };
    const { updatedAt, ...lastRun } = latest;
    return { running: !latest.finishedAt && Date.now() - Date.parse(updatedAt) < STALE_MS, lastRun };
  }

  /** Starts a run unless one is going here; returns the status at once. */
  start(actor: string, source: string): RewrapStatus {
    if (!this.current) {
      this.run(actor, source).catch(() => {}); // run() records and logs its own failure
    }
    return { running: true, ...(this.last ? { lastRun: this.last } : {}) };
  }

  private record() {
    if (this.last) this.store.recordRewrap(this.last).catch(error => this.logger.warn(`Could not record the re-wrap status: ${error}`));
  }

  async run(actor: string, source: string): Promise<number> {
    if (this.current) return this.current;
    const startedAt = new Date().toISOString();
    this.last = { startedAt, rewrapped: 0, actor };
    this.current = (async () => {
      let total = 0;
      try {
        await this.store.recordRewrap(this.last!);
        for (;;) {
          const moved = await this.store.rewrapBatch(this.batchSize);
          if (moved === 0) break;
          total += moved;
          this.last = { startedAt, rewrapped: total, actor };
          await this.store.recordRewrap(this.last); // in order: the final record comes after
        }
        this.last = { startedAt, finishedAt: new Date().toISOString(), rewrapped: total, actor };
        await this.store.recordRewrap(this.last);
        if (total > 0) {
          await this.store.audit.record({ actor, source, action: 'rewrap', detail: `${total} data key(s) re-wrapped` });
          this.logger.info(`Re-wrapped ${total} secret data keys under the active key`);
        }
        return total;
      } catch (error) {
        this.last = { startedAt, finishedAt: new Date().toISOString(), rewrapped: total, actor, error: String(error) };
        this.record();
        this.logger.error(`Re-wrapping secret data keys failed after ${total}`, error as Error);
        throw error;
      } finally {
        this.current = undefined;
      }
    })();
    return this.current;
  }
}
