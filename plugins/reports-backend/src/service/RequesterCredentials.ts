import type { BackstageCredentials } from '@backstage/backend-plugin-api';

/** A requester's sign-in must last this much longer than the start of their job's render. */
const MARGIN_MS = 60_000;

/**
 * The credentials of people who just asked for a report, held in this replica's memory until
 * their job starts (never written to the database: a token is never stored). A job is rendered
 * on behalf of its requester while their credentials are here and will not expire within a
 * minute; a job without them (made by a schedule, queued before a restart, taken by another
 * replica, or waiting until its requester's sign-in ran out) is rendered with its requester away.
 */
export class RequesterCredentials {
  private readonly byJob = new Map<string, { credentials: BackstageCredentials; until: number }>();

  /**
   * `maxHoldMs`: the longest a job waits for this replica's workers (other replicas leave it
   * alone until then; after it, any replica renders it with its requester away).
   */
  constructor(private readonly maxHoldMs = 10 * 60_000) {}

  /** Holds `credentials` for `jobId`; answers until when (the job's `heldUntil`). */
  hold(jobId: string, credentials: BackstageCredentials): Date {
    const expires = credentials.expiresAt?.getTime() ?? Infinity;
    const until = Math.min(expires - MARGIN_MS, Date.now() + this.maxHoldMs);
    this.byJob.set(jobId, { credentials, until });
    return new Date(until);
  }

  /** The requester's credentials for `jobId` if still good (then forgotten here). */
  take(jobId: string): BackstageCredentials | undefined {
    const held = this.byJob.get(jobId);
    this.byJob.delete(jobId);
    return held && held.until > Date.now() ? held.credentials : undefined;
  }

  /** Jobs whose requesters' credentials are still good: this replica's workers take these first. */
  jobIds(): string[] {
    const now = Date.now();
    for (const [id, held] of this.byJob) if (held.until <= now) this.byJob.delete(id);
    return [...this.byJob.keys()];
  }
}
