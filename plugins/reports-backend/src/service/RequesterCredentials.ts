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

  /** `maxHoldMs`: how long to hold credentials that do not say when they expire. */
  constructor(private readonly maxHoldMs = 3_600_000) {}

  hold(jobId: string, credentials: BackstageCredentials) {
    const expires = credentials.expiresAt?.getTime() ?? Date.now() + this.maxHoldMs;
    this.byJob.set(jobId, { credentials, until: Math.min(expires, Date.now() + this.maxHoldMs) - MARGIN_MS });
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
