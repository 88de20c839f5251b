/* eslint-disable no-console */
/**
 * Secrets benchmark (issue 5), against the real PostgreSQL (node-svc, 127.0.0.1:5432):
 *   1. reveal latency p50/p99 with 100 concurrent clients (store.reveal + the audit row a
 *      reveal writes), next to the same number of plain reads of the same rows (no decryption,
 *      no audit) — ratio;
 *   2. the time to re-wrap 10,000 secrets onto a new key, next to reading the same 10,000 rows
 *      plainly — ratio.
 * Prints figures and ratios only; nothing here asserts a time.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/secrets.bench.ts [--secrets 10000] [--reveals 5000]
 */
import knexFactory, { type Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { EnvelopeCipher } from '../plugins/secrets-backend/src/service/EnvelopeCipher';
import { SecretStore } from '../plugins/secrets-backend/src/service/SecretStore';
import { Rewrapper } from '../plugins/secrets-backend/src/service/Rewrapper';
import { measure } from './lib';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECRETS = arg('secrets', 10_000);
const REVEALS = arg('reveals', 5_000);
const CLIENTS = arg('clients', 100);
const PG = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const scope = { entityRef: 'component:default/stacktalk-core-api', environment: 'production' };
const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as any;

async function seed(knex: Knex, cipher: EnvelopeCipher) {
  for (let start = 0; start < SECRETS; start += 1000) {
    const heads = [];
    const versions = [];
    for (let i = start; i < Math.min(SECRETS, start + 1000); i++) {
      const id = { ...scope, name: `SECRET_${i}`, version: 1 };
      const sealed = cipher.encrypt(id, Buffer.from(`value-${i}-${randomBytes(24).toString('base64')}`));
      heads.push({ entity_ref: id.entityRef, environment: id.environment, name: id.name, current_version: 1 });
      versions.push({
        entity_ref: id.entityRef, environment: id.environment, name: id.name, version: 1, kek_id: sealed.kekId,
        wrapped_key: sealed.wrappedKey, nonce: sealed.nonce, ciphertext: sealed.ciphertext, tag: sealed.tag,
        created_by: 'bench', created_at: new Date(),
      });
    }
    await knex.batchInsert('secret_heads', heads, 500);
    await knex.batchInsert('secret_versions', versions, 500);
  }
}

async function main() {
  const database = `stacktalk_bench_secrets_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  await admin.raw(`CREATE DATABASE ${database}`);
  const knex = knexFactory({ client: 'pg', connection: `${PG}/${database}`, pool: { min: 1, max: 20 } });
  try {
    const migrationsDirectory = resolve(__dirname, '../plugins/secrets-backend/migrations');
    const k1 = { id: 'bench-old', key: randomBytes(32) };
    const k2 = { id: 'bench-new', key: randomBytes(32) };
    const store = await SecretStore.create({ knex, cipher: new EnvelopeCipher([k1], k1.id), migrationsDirectory });
    await seed(knex, new EnvelopeCipher([k1], k1.id));
    console.log(`PostgreSQL, ${SECRETS.toLocaleString()} secrets, ${REVEALS.toLocaleString()} reveals over ${CLIENTS} concurrent clients, pool of 20 connections`);

    const key = (i: number) => ({ ...scope, name: `SECRET_${(i * 7919) % SECRETS}` });
    const plainRead = (i: number) =>
      knex('secret_versions').where({ entity_ref: scope.entityRef, environment: scope.environment, name: key(i).name, version: 1 }).first();
    // Warm the pool and the table's pages for both runs alike.
    await measure(500, CLIENTS, (_w, i) => plainRead(i));

    const plain = await measure(REVEALS, CLIENTS, (_w, i) => plainRead(i));
    const decryptOnly = await measure(REVEALS, CLIENTS, (_w, i) => store.reveal(key(i)));
    const reveal = await measure(REVEALS, CLIENTS, async (_w, i) => {
      const { metadata } = await store.reveal(key(i));
      await store.audit.record({ actor: 'user:default/bench', source: 'bench', action: 'reveal', ...key(i), version: metadata.version });
    });
    const row = (name: string, r: { p50: number; p99: number; perSecond: number }) =>
      console.log(`  ${name.padEnd(44)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   ${Math.round(r.perSecond).toString().padStart(6)}/s`);
    console.log('\n1. Reveal latency');
    row('plain read of the row (baseline)', plain);
    row('decrypting read (head + row, unwrap, decrypt)', decryptOnly);
    row('reveal as served: + the audit row insert', reveal);
    const ratio = (r: typeof plain) => `p50 ${(r.p50 / plain.p50).toFixed(2)}x, p99 ${(r.p99 / plain.p99).toFixed(2)}x, throughput ${(r.perSecond / plain.perSecond).toFixed(2)}x`;
    console.log(`  ratio decrypting read / plain: ${ratio(decryptOnly)}`);
    console.log(`  ratio reveal / plain:          ${ratio(reveal)}`);

    console.log(`\n2. Re-wrap ${SECRETS.toLocaleString()} data keys onto a new key`);
    let t = process.hrtime.bigint();
    for (let offset = 0; offset < SECRETS; offset += 500) {
      await knex('secret_versions').orderBy('name').offset(offset).limit(500).select();
    }
    const plainSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const rotated = await SecretStore.create({ knex, cipher: new EnvelopeCipher([k1, k2], k2.id), migrationsDirectory });
    t = process.hrtime.bigint();
    const moved = await new Rewrapper(rotated, silent, 500).run('user:default/bench', 'bench');
    const rewrapSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    console.log(`  plain read of all rows in pages of 500 (baseline)  ${plainSeconds.toFixed(2)} s`);
    console.log(`  re-wrap (read, unwrap, wrap, conditional update)  ${rewrapSeconds.toFixed(2)} s  (${moved.toLocaleString()} rows, ${Math.round(moved / rewrapSeconds)}/s)`);
    console.log(`  ratio re-wrap/plain read: ${(rewrapSeconds / plainSeconds).toFixed(1)}x`);
    const usage = await rotated.keyUsage();
    console.log(`  key usage after: ${usage.map(u => `${u.id}=${u.records}`).join(', ')}`);
  } finally {
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
    await admin.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
