import type { Knex } from 'knex';

/** Too many of something, for one person or for everyone: answered 429 with the reason. */
export class QuotaError extends Error {
  name = 'QuotaError';
  constructor(message: string, readonly retryAfterSeconds = 60) {
    super(message);
  }
}

/**
 * Runs `fn` in a transaction that no other `withQuotaLock(knex, name)` runs alongside, across
 * every replica, so a count and the insert it allows are one step (two requests cannot both
 * pass a limit). PostgreSQL: a transaction-level advisory lock. SQLite: the database has one
 * writer and Backstage gives it one connection, so its transactions already run one at a time.
 */
export async function withQuotaLock<T>(knex: Knex, name: string, fn: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
  return knex.transaction(async tx => {
    if (/^(pg|postgres)/i.test(String(knex.client.config.client))) {
      await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [`stacktalk-reports:${name}`]);
    }
    return fn(tx);
  });
}

/** `count(*)` of a query as a number, whatever type the driver answers with. */
export async function countOf(query: Knex.QueryBuilder): Promise<number> {
  const row = await query.count({ n: '*' }).first();
  return Number((row as { n?: unknown } | undefined)?.n ?? 0);
}
