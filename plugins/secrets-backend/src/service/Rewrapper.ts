import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SecretStore } from './SecretStore';

export interface RewrapStatus {
  running: boolean;
  lastRun?: { startedAt: string; finishedAt?: string; rewrapped: number; actor: string; error?: string };
}

/**
 * Moves every data key onto the active key-encryption key, in small batches so reads and writes
 * continue meanwhile. Runs on the scheduler and on demand; one run at a time per instance.
 */
export class Rewrapper {
  private current?: Promise<number>;
  private last?: RewrapStatus['lastRun'];

  constructor(private readonly store: SecretStore, private readonly logger: LoggerService, private readonly batchSize = 500) {}

  status(): RewrapStatus {
    return { running: !!this.current, ...(this.last ? { lastRun: this.last } : {}) };
  }

  /** Starts a run unless one is going; returns the status at once. */
  start(actor: string, source: string): RewrapStatus {
    if (!this.current) {
      this.run(actor, source).catch(() => {}); // run() records and logs its own failure
    }
    return this.status();
  }

  async run(actor: string, source: string): Promise<number> {
    if (this.current) return this.current;
    const startedAt = new Date().toISOString();
    this.last = { startedAt, rewrapped: 0, actor };
    this.current = (async () => {
      let total = 0;
      try {
        for (;;) {
          const moved = await this.store.rewrapBatch(this.batchSize);
          if (moved === 0) break;
          total += moved;
          this.last = { startedAt, rewrapped: total, actor };
        }
        this.last = { startedAt, finishedAt: new Date().toISOString(), rewrapped: total, actor };
        if (total > 0) {
          await this.store.audit.record({ actor, source, action: 'rewrap', detail: `${total} data key(s) re-wrapped` });
          this.logger.info(`Re-wrapped ${total} secret data keys under the active key`);
        }
        return total;
      } catch (error) {
        this.last = { startedAt, finishedAt: new Date().toISOString(), rewrapped: total, actor, error: String(error) };
        this.logger.error(`Re-wrapping secret data keys failed after ${total}`, error as Error);
        throw error;
      } finally {
        this.current = undefined;
      }
    })();
    return this.current;
  }
}
