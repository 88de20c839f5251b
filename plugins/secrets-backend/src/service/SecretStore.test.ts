import { TestDatabases } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { EnvelopeCipher, IntegrityError } from './EnvelopeCipher';
import { SecretStore } from './SecretStore';
import { allTables, findInDatabase } from '../testUtils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const migrationsDirectory = resolve(__dirname, '../../migrations');
const cipher = new EnvelopeCipher([{ id: 'k1', key: randomBytes(32) }], 'k1');
const api = { entityRef: 'component:default/stacktalk-core-api', environment: 'development' };
const VALUE = 'postgresql://core:pl41nt3xt-marker@db:5432/core';

describe.each(databases.eachSupportedId())('SecretStore on %s', databaseId => {
  async function setUp() {
    const knex = await databases.init(databaseId);
    const store = await SecretStore.create({ knex, cipher, migrationsDirectory });
    return { knex, store };
  }

  it('writes versions with check-and-set and reveals any of them', async () => {
    const { store } = await setUp();
    const v1 = await store.put({ ...api, name: 'DATABASE_URL', value: VALUE, expectedVersion: 0, actor: 'user:default/ada.okafor' });
    expect(v1).toMatchObject({ name: 'DATABASE_URL', version: 1, createdBy: 'user:default/ada.okafor' });
    await store.put({ ...api, name: 'DATABASE_URL', value: 'second', expectedVersion: 1, actor: 'user:default/bruno.silva' });

    expect((await store.reveal({ ...api, name: 'DATABASE_URL' })).value).toBe('second');
    expect((await store.reveal({ ...api, name: 'DATABASE_URL' }, 1)).value).toBe(VALUE);
    expect((await store.history({ ...api, name: 'DATABASE_URL' })).map(v => [v.version, v.createdBy])).toEqual([
      [2, 'user:default/bruno.silva'],
      [1, 'user:default/ada.okafor'],
    ]);
    expect((await store.list(api.entityRef)).map(v => [v.name, v.version])).toEqual([['DATABASE_URL', 2]]);
  });

  it('answers a stale write with a conflict and loses nothing', async () => {
    const { store } = await setUp();
    await store.put({ ...api, name: 'API_KEY', value: 'one', expectedVersion: 0, actor: 'a' });
    await store.put({ ...api, name: 'API_KEY', value: 'two', expectedVersion: 1, actor: 'a' });
    await expect(store.put({ ...api, name: 'API_KEY', value: 'stale', expectedVersion: 1, actor: 'b' })).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('at version 2, not 1'),
    });
    await expect(store.put({ ...api, name: 'API_KEY', value: 'dup', expectedVersion: 0, actor: 'b' })).rejects.toMatchObject({ name: 'ConflictError' });
    expect((await store.reveal({ ...api, name: 'API_KEY' })).value).toBe('two');
    expect(await store.history({ ...api, name: 'API_KEY' })).toHaveLength(2);
  });

  it('stores no plaintext in any table or column', async () => {
    const { knex, store } = await setUp();
    await store.put({ ...api, name: 'DATABASE_URL', value: VALUE, expectedVersion: 0, actor: 'a' });
    await store.put({ ...api, name: 'DATABASE_URL', value: `${VALUE}-v2`, expectedVersion: 1, actor: 'a' });
    await store.rollback({ ...api, name: 'DATABASE_URL', toVersion: 1, expectedVersion: 2, actor: 'a', source: 'test' });
    expect(await allTables(knex)).toEqual(expect.arrayContaining(['secret_heads', 'secret_versions', 'secret_audit']));
    expect(await findInDatabase(knex, 'pl41nt3xt-marker')).toEqual([]);
    // The scan itself finds what is stored in the clear (the actor, in two tables).
    expect(await findInDatabase(knex, 'DATABASE_URL')).toEqual(expect.arrayContaining(['secret_heads.name', 'secret_audit.name']));
  });

  it('fails with an integrity error when a value is copied to another secret row', async () => {
    const { knex, store } = await setUp();
    await store.put({ ...api, name: 'SOURCE', value: VALUE, expectedVersion: 0, actor: 'a' });
    await store.put({ ...api, name: 'TARGET', value: 'other', expectedVersion: 0, actor: 'a' });
    const source = await knex('secret_versions').where({ name: 'SOURCE' }).first();
    await knex('secret_versions')
      .where({ name: 'TARGET' })
      .update({ wrapped_key: source.wrapped_key, nonce: source.nonce, ciphertext: source.ciphertext, tag: source.tag });
    await expect(store.reveal({ ...api, name: 'TARGET' })).rejects.toBeInstanceOf(IntegrityError);
  });

  it.each([
    ['lower-case name', 'database_url', 'x', /must match/],
    ['name with a space', 'API KEY', 'x', /must match/],
    ['unicode name', 'ÄPI_KEY', 'x', /must match/],
    ['name with NUL', 'API\u0000KEY', 'x', /must match/],
    ['empty name', '', 'x', /required/],
    ['huge name', 'A'.repeat(5000), 'x', /longer than/],
    ['empty value', 'OK_NAME', '', /empty/],
    ['value with NUL', 'OK_NAME', 'a\u0000b', /NUL/],
    ['value over 64 KiB', 'OK_NAME', 'x'.repeat(64 * 1024 + 1), /limit is 65536/],
    ['lone surrogate', 'OK_NAME', 'a\ud800b', /lone surrogate/],
  ])('rejects a %s with an input error and writes nothing', async (_what, name, value, message) => {
    const { knex, store } = await setUp();
    await expect(store.put({ ...api, name, value, expectedVersion: 0, actor: 'a' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
    expect(Number((await knex('secret_versions').count({ n: '*' }).first())!.n)).toBe(0);
  });

  it('keeps multi-byte values intact', async () => {
    const { store } = await setUp();
    const value = 'пароль-🔑-密码';
    await store.put({ ...api, name: 'UNICODE_OK', value, expectedVersion: 0, actor: 'a' });
    expect((await store.reveal({ ...api, name: 'UNICODE_OK' })).value).toBe(value);
  });
});
