import { TestDatabases } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { EnvelopeCipher } from './EnvelopeCipher';
import { SecretStore } from './SecretStore';
import { Rewrapper } from './Rewrapper';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const migrationsDirectory = resolve(__dirname, '../../migrations');
const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const scope = { entityRef: 'component:default/voice-gateway', environment: 'staging' };
const who = { actor: 'user:default/ada.okafor', source: 'test' };
const logger = { info() {}, warn() {}, error() {}, debug() {}, child() { return logger; } } as any;

describe.each(databases.eachSupportedId())('SecretStore lifecycle on %s', databaseId => {
  async function setUp(cipher = new EnvelopeCipher([k1], 'k1')) {
    const knex = await databases.init(databaseId);
    return { knex, store: await SecretStore.create({ knex, cipher, migrationsDirectory }) };
  }

  it('rolls back by writing the old value as a new version, with check-and-set', async () => {
    const { store } = await setUp();
    const key = { ...scope, name: 'TWILIO_TOKEN' };
    await store.put({ ...key, value: 'first', expectedVersion: 0, ...who, description: 'Twilio auth token' });
    await store.put({ ...key, value: 'second', expectedVersion: 1, ...who });
    await expect(store.rollback({ ...key, toVersion: 1, expectedVersion: 1, ...who })).rejects.toMatchObject({ name: 'ConflictError' });
    const rolled = await store.rollback({ ...key, toVersion: 1, expectedVersion: 2, ...who });
    expect(rolled).toMatchObject({ version: 3, description: 'Twilio auth token' });
    expect((await store.reveal(key)).value).toBe('first');
    expect((await store.history(key)).map(v => v.version)).toEqual([3, 2, 1]);
    await expect(store.rollback({ ...key, toVersion: 9, expectedVersion: 3, ...who })).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('soft-deletes and restores, keeping every version; destroy removes them for good', async () => {
    const { knex, store } = await setUp();
    const key = { ...scope, name: 'OPENAI_KEY' };
    await store.put({ ...key, value: 'sk-1', expectedVersion: 0, ...who });
    await store.softDelete({ ...key, ...who });
    expect(await store.list(scope.entityRef)).toEqual([]);
    expect((await store.list(scope.entityRef, { includeDeleted: true }))[0]).toMatchObject({ name: 'OPENAI_KEY', deletedAt: expect.any(String) });
    await expect(store.reveal(key)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(store.softDelete({ ...key, ...who })).rejects.toMatchObject({ name: 'NotFoundError' });
    await store.restore({ ...key, ...who });
    await expect(store.restore({ ...key, ...who })).rejects.toMatchObject({ name: 'ConflictError' });
    expect((await store.reveal(key)).value).toBe('sk-1');

    expect(await store.destroy({ ...key, ...who })).toBe(1);
    expect(await knex('secret_versions').where({ name: 'OPENAI_KEY' })).toEqual([]);
    await expect(store.history(key)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(store.destroy({ ...key, ...who })).rejects.toMatchObject({ name: 'NotFoundError' });
    expect((await store.audit.query({ name: 'OPENAI_KEY' })).map(e => e.action)).toEqual(['destroy', 'restore', 'delete', 'write']);
  });

  it('keeps the audit log append-only in the database itself', async () => {
    const { knex, store } = await setUp();
    await store.put({ ...scope, name: 'AUDITED', value: 'v', expectedVersion: 0, ...who });
    expect(Number((await knex('secret_audit').count({ n: '*' }).first())?.n)).toBe(1);
    const attempt = async (query: () => PromiseLike<unknown>) => {
      try {
        return `succeeded: ${JSON.stringify(await query())}`;
      } catch (error) {
        return String(error);
      }
    };
    expect(await attempt(() => knex('secret_audit').update({ actor: 'someone-else' }))).toMatch(/append-only/);
    expect(await attempt(() => knex('secret_audit').delete())).toMatch(/append-only/);
    expect(await store.audit.query({ entityRef: scope.entityRef })).toEqual([
      expect.objectContaining({ action: 'write', actor: who.actor, name: 'AUDITED', version: 1, environment: 'staging', source: 'test' }),
    ]);
  });

  it('re-wraps 10,000 secrets onto a new key while reads continue, then every value still reads', async () => {
    const { knex, store: before } = await setUp();
    const N = 10_000;
    // Seed through the store's own encryption, in bulk transactions (writing 10,000 one by one
    // through put() would only measure the test's set-up).
    const cipher1 = new EnvelopeCipher([k1], 'k1');
    for (let start = 0; start < N; start += 500) {
      const heads = [];
      const versions = [];
      for (let i = start; i < Math.min(N, start + 500); i++) {
        const id = { ...scope, name: `S_${i}`, version: 1 };
        const sealed = cipher1.encrypt(id, Buffer.from(`value-${i}`));
        heads.push({ entity_ref: id.entityRef, environment: id.environment, name: id.name, current_version: 1 });
        versions.push({
          entity_ref: id.entityRef, environment: id.environment, name: id.name, version: 1,
          kek_id: sealed.kekId, wrapped_key: sealed.wrappedKey, nonce: sealed.nonce, ciphertext: sealed.ciphertext, tag: sealed.tag,
          created_by: 'seed', created_at: new Date(),
        });
      }
      await knex.batchInsert('secret_heads', heads, 100);
      await knex.batchInsert('secret_versions', versions, 100);
    }
    expect(await before.keyUsage()).toEqual([{ id: 'k1', active: true, records: N }]);

    // Rotate: k2 becomes active, k1 stays readable until nothing uses it.
    const store = await SecretStore.create({ knex, cipher: new EnvelopeCipher([k1, k2], 'k2'), migrationsDirectory });
    const rewrapper = new Rewrapper(store, logger, 250);
    let reads = 0;
    let done = false;
    const reader = (async () => {
      while (!done) {
        const i = Math.floor(Math.random() * N);
        expect((await store.reveal({ ...scope, name: `S_${i}` })).value).toBe(`value-${i}`);
        reads++;
      }
    })();
    const rewrapped = await rewrapper.run('user:default/ada.okafor', 'test');
    done = true;
    await reader;
    // The status is shared: another replica (a second Rewrapper on the same database) reports it.
    const other = new Rewrapper(await SecretStore.create({ knex, cipher: new EnvelopeCipher([k1, k2], 'k2'), migrationsDirectory }), logger);
    expect(await other.status()).toMatchObject({ running: false, lastRun: { rewrapped: N, actor: 'user:default/ada.okafor', finishedAt: expect.any(String) } });

    expect(rewrapped).toBe(N);
    expect(reads).toBeGreaterThan(0);
    expect(await store.keyUsage()).toEqual([
      { id: 'k1', active: false, records: 0 },
      { id: 'k2', active: true, records: N },
    ]);
    // k1 can now be removed from config: every value reads with k2 alone.
    const k2Only = await SecretStore.create({ knex, cipher: new EnvelopeCipher([k2], 'k2'), migrationsDirectory });
    for (let i = 0; i < N; i++) {
      expect((await k2Only.reveal({ ...scope, name: `S_${i}` })).value).toBe(`value-${i}`);
    }
    expect((await store.audit.query({ action: 'rewrap' }))[0]).toMatchObject({ detail: `${N} data key(s) re-wrapped` });
  });
});
