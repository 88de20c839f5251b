import type { Knex } from 'knex';

/** 429 through Backstage's error handler (it honours `statusCode`); the route sets Retry-After. */
export class TooManyUploadsError extends Error {
  readonly statusCode = 429;
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
    this.name = 'TooManyUploadsError';
  }
}

/**
 * At most `limit` upload requests per token (principal subject) per fixed window (an hour),
 * counted in the plugin's database with one atomic upsert per request, so replicas share the
 * count. Every request counts, accepted or refused (a token flooding 413s is limited too).
 */
export class UploadQuota {
  constructor(
    private readonly db: Knex,
    private readonly limit: number,
    private readonly windowMs = 3600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one upload of `subject`; throws TooManyUploadsError beyond the limit. */
  async take(subject: string): Promise<void> {
    if (this.limit <= 0) return;
    const t = this.now();
    const windowStart = Math.floor(t / this.windowMs) * this.windowMs;
    const [row] = await this.db('exceldna_upload_counts')
      .insert({ subject, window_start: windowStart, count: 1 })
      .onConflict(['subject', 'window_start'])
      .merge({ count: this.db.raw('?? + 1', ['exceldna_upload_counts.count']) })
      .returning('count');
    const count = Number(typeof row === 'object' ? row.count : row);
    if (count === 1) {
      // first upload of a new window: forget this token's older windows
      await this.db('exceldna_upload_counts').where({ subject }).andWhere('window_start', '<', windowStart).delete();
    }
    if (count > this.limit) {
      const retryAfter = Math.max(1, Math.ceil((windowStart + this.windowMs - t) / 1000));
      throw new TooManyUploadsError(
        `${subject} has made ${this.limit} uploads this hour (exceldna.uploads.perTokenPerHour); retry in ${retryAfter} s`,
        retryAfter,
      );
    }
  }
}
