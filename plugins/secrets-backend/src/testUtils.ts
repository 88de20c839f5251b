/** Test helpers: find a value anywhere in the secrets database (SQLite or PostgreSQL). */
import type { Knex } from 'knex';

/** Every user table in the database (SQLite or PostgreSQL). */
export async function allTables(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const rows = await knex('information_schema.tables').where({ table_schema: 'public', table_type: 'BASE TABLE' }).select('table_name');
    return rows.map((r: any) => r.table_name);
  }
  const rows = await knex('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').select('name');
  return rows.map((r: any) => r.name);
}

/** Tables and columns whose stored bytes contain `needle`; [] means the value is nowhere. */
export async function findInDatabase(knex: Knex, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  for (const table of await allTables(knex)) {
    for (const row of await knex(table).select()) {
      for (const [column, cell] of Object.entries(row)) {
        if (cell === null || cell === undefined) continue;
        const stored = Buffer.isBuffer(cell) ? cell : Buffer.from(typeof cell === 'object' ? JSON.stringify(cell) : String(cell), 'utf8');
        if (stored.includes(bytes)) hits.push(`${table}.${column}`);
      }
    }
  }
  return hits;
}

/** docker's and systemd's env-file parsers, ported from their sources (the e2e export test reads with them). */
export { readDockerEnvFile, readSystemdEnvironmentFile } from './service/exports/referenceReaders';
