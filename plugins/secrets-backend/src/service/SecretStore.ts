import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { KeyUsage, SecretMetadata } from '@stacktalk/plugin-secrets-common';
import { EnvelopeCipher, type SealedValue, type SecretIdentity } from './EnvelopeCipher';
import { AuditLog } from './AuditLog';
import { validateSecretName, validateSecretValue } from './validation';

/** What anyone allowed to list secrets may see: never the value. */
export type SecretVersionMetadata = SecretMetadata;

/** Who did it and from where; recorded in the audit log in the same transaction as the change. */
export interface Actor {
  actor: string;
  source: string;
}

export interface PutSecretRequest {
  entityRef: string;
  environment: string;
  name: string;
  value: string;
  /** The version the writer last saw; 0 for a new secret (check-and-set). */
  expectedVersion: number;
  actor: string;
  /** Audit source; defaults to `api`. */
  source?: string;
  description?: string;
  rotateBy?: Date;
}

export type SecretKey = Pick<SecretIdentity, 'entityRef' | 'environment' | 'name'>;
type Key = SecretKey;

function headKey(k: Key) {
  return { entity_ref: k.entityRef, environment: k.environment, name: k.name };
}

function toMetadata(row: any): SecretVersionMetadata {
  return {
    entityRef: row.entity_ref,
    environment: row.environment,
    name: row.name,
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    ...(row.description ? { description: row.description } : {}),
    ...(row.rotate_by ? { rotateBy: new Date(row.rotate_by).toISOString() } : {}),
    ...(row.deleted_at ? { deletedAt: new Date(row.deleted_at).toISOString() } : {}),
  };
}

function toSealed(row: any): SealedValue {
  return {
    kekId: row.kek_id,
    wrappedKey: Buffer.from(row.wrapped_key),
    nonce: Buffer.from(row.nonce),
    ciphertext: Buffer.from(row.ciphertext),
    tag: Buffer.from(row.tag),
  };
}

const METADATA_COLUMNS = ['entity_ref', 'environment', 'name', 'version', 'created_by', 'created_at', 'description', 'rotate_by'];

/** Versioned, envelope-encrypted secrets in the plugin's database (SQLite or PostgreSQL). */
export class SecretStore {
  static async create(options: { knex: Knex; cipher: EnvelopeCipher; migrationsDirectory: string }) {
    await options.knex.migrate.latest({ directory: options.migrationsDirectory });
    return new SecretStore(options.knex, options.cipher);
  }

  readonly audit: AuditLog;

  private constructor(private readonly knex: Knex, private readonly cipher: EnvelopeCipher) {
    this.audit = new AuditLog(knex);
  }

  /** The latest re-wrap run of any replica (the `rewrap_runs` row), if any. */
  async latestRewrap(): Promise<{ startedAt: string; updatedAt: string; finishedAt?: string; rewrapped: number; actor: string; error?: string } | undefined> {
    const row = await this.knex('rewrap_runs').where({ id: 'latest' }).first();
    if (!row) return undefined;
    const iso = (v: unknown) => new Date(v as string).toISOString();
    return {
      startedAt: iso(row.started_at),
      updatedAt: iso(row.updated_at),
      ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
      rewrapped: Number(row.rewrapped),
      actor: row.actor,
      ...(row.error ? { error: row.error } : {}),
    };
  }

  /** Records the progress of this replica's re-wrap run (shared with the other replicas). */
  async recordRewrap(run: { startedAt: string; finishedAt?: string; rewrapped: number; actor: string; error?: string }) {
    const row = {
      id: 'latest',
      actor: run.actor,
      started_at: new Date(run.startedAt),
      updated_at: new Date(),
      finished_at: run.finishedAt ? new Date(run.finishedAt) : null,
      rewrapped: run.rewrapped,
      error: run.error ?? null,
    };
    await this.knex('rewrap_runs').insert(row).onConflict('id').merge();
  }

  /** Writes a new version. A stale `expectedVersion` is a ConflictError (409) and changes nothing. */
  async put(request: PutSecretRequest): Promise<SecretVersionMetadata> {
    const name = validateSecretName(request.name);
    const value = validateSecretValue(request.value);
    if (!Number.isInteger(request.expectedVersion) || request.expectedVersion < 0) {
      throw new InputError('expectedVersion must be a whole number, 0 for a new secret');
    }
    const key = { entityRef: request.entityRef, environment: request.environment, name };
    try {
      return await this.writeVersion(key, value, request);
    } catch (error) {
      // Two first writes of the same name race on the heads primary key: the loser is stale.
      if (/unique|duplicate key|SQLITE_CONSTRAINT/i.test(String((error as Error)?.message))) {
        throw new ConflictError(`${name} in ${key.environment} was created concurrently; reload and try again`);
      }
      throw error;
    }
  }

  private async writeVersion(key: Key, value: string, request: PutSecretRequest, rolledBackFrom?: number) {
    const { name } = key;
    return this.knex.transaction(async tx => {
      const head = await tx('secret_heads').where(headKey(key)).forUpdate().first();
      const current = head ? Number(head.current_version) : 0;
      if (current !== request.expectedVersion) {
        throw new ConflictError(
          `${name} in ${key.environment} is at version ${current}, not ${request.expectedVersion}; reload and try again`,
        );
      }
      const latest = await tx('secret_versions').where(headKey(key)).max({ v: 'version' }).first();
      const version = Number(latest?.v ?? 0) + 1;
      const sealed = this.cipher.encrypt({ ...key, version }, Buffer.from(value, 'utf8'));
      const row = {
        ...headKey(key),
        version,
        kek_id: sealed.kekId,
        wrapped_key: sealed.wrappedKey,
        nonce: sealed.nonce,
        ciphertext: sealed.ciphertext,
        tag: sealed.tag,
        created_by: request.actor,
        created_at: new Date(),
        description: request.description ?? null,
        rotate_by: request.rotateBy ?? null,
      };
      await tx('secret_versions').insert(row);
      if (head) {
        await tx('secret_heads').where(headKey(key)).update({ current_version: version, deleted_at: null, deleted_by: null });
      } else {
        await tx('secret_heads').insert({ ...headKey(key), current_version: version });
      }
      await this.audit.record(
        {
          actor: request.actor,
          source: request.source ?? 'api',
          action: rolledBackFrom ? 'rollback' : 'write',
          ...key,
          version,
          ...(rolledBackFrom ? { detail: `value of version ${rolledBackFrom}` } : {}),
        },
        tx,
      );
      return toMetadata(row);
    });
  }

  /** Decrypts the current (or a given) version: one query for the head and the version row. */
  async reveal(key: Key, version?: number): Promise<{ value: string; metadata: SecretVersionMetadata }> {
    const row = await this.knex('secret_heads as h')
      .leftJoin('secret_versions as v', join =>
        join
          .on('v.entity_ref', 'h.entity_ref')
          .andOn('v.environment', 'h.environment')
          .andOn('v.name', 'h.name')
          .andOn('v.version', version === undefined ? this.knex.ref('h.current_version') : this.knex.raw('?', [version])),
      )
      .where({ 'h.entity_ref': key.entityRef, 'h.environment': key.environment, 'h.name': key.name })
      .first('h.deleted_at as head_deleted_at', 'h.current_version', 'v.*');
    if (!row || row.head_deleted_at) throw new NotFoundError(`No secret ${key.name} in ${key.environment}`);
    const wanted = version ?? Number(row.current_version);
    if (row.version === null || row.version === undefined) {
      throw new NotFoundError(`${key.name} in ${key.environment} has no version ${wanted}`);
    }
    const plaintext = this.cipher.decrypt({ ...key, version: wanted }, toSealed(row));
    return { value: plaintext.toString('utf8'), metadata: toMetadata(row) };
  }

  /** The current version of every secret of an entity, across environments; soft-deleted ones on request. */
  async list(entityRef: string, options: { includeDeleted?: boolean } = {}): Promise<SecretVersionMetadata[]> {
    const rows = await this.knex('secret_heads as h')
      .join('secret_versions as v', join =>
        join
          .on('v.entity_ref', 'h.entity_ref')
          .andOn('v.environment', 'h.environment')
          .andOn('v.name', 'h.name')
          .andOn('v.version', 'h.current_version'),
      )
      .where('h.entity_ref', entityRef)
      .modify(q => (options.includeDeleted ? q : q.whereNull('h.deleted_at')))
      .orderBy([{ column: 'v.name' }, { column: 'v.environment' }])
      .select(...METADATA_COLUMNS.map(c => `v.${c}`), 'h.deleted_at');
    return rows.map(toMetadata);
  }

  /** Every version of one secret, newest first (metadata only). */
  async history(key: Key): Promise<SecretVersionMetadata[]> {
    const rows = await this.knex('secret_versions')
      .where(headKey(key))
      .orderBy('version', 'desc')
      .select(...METADATA_COLUMNS);
    if (rows.length === 0) throw new NotFoundError(`No secret ${key.name} in ${key.environment}`);
    return rows.map(toMetadata);
  }

  /** Makes an older version's value current again, as a new version (history is never rewritten). */
  async rollback(request: Key & Actor & { toVersion: number; expectedVersion: number }): Promise<SecretVersionMetadata> {
    const { value, metadata } = await this.reveal(request, request.toVersion);
    return this.writeVersion(
      request,
      value,
      { ...request, value, description: metadata.description, rotateBy: metadata.rotateBy ? new Date(metadata.rotateBy) : undefined },
      request.toVersion,
    );
  }

  /** Soft delete: hidden from lists and exports until restored; every version is kept. */
  async softDelete(key: Key & Actor): Promise<void> {
    await this.knex.transaction(async tx => {
      const head = await tx('secret_heads').where(headKey(key)).forUpdate().first();
      if (!head || head.deleted_at) throw new NotFoundError(`No secret ${key.name} in ${key.environment}`);
      await tx('secret_heads').where(headKey(key)).update({ deleted_at: new Date(), deleted_by: key.actor });
      await this.audit.record({ ...key, action: 'delete', version: Number(head.current_version) }, tx);
    });
  }

  async restore(key: Key & Actor): Promise<void> {
    await this.knex.transaction(async tx => {
      const head = await tx('secret_heads').where(headKey(key)).forUpdate().first();
      if (!head) throw new NotFoundError(`No secret ${key.name} in ${key.environment}`);
      if (!head.deleted_at) throw new ConflictError(`${key.name} in ${key.environment} is not deleted`);
      await tx('secret_heads').where(headKey(key)).update({ deleted_at: null, deleted_by: null });
      await this.audit.record({ ...key, action: 'restore', version: Number(head.current_version) }, tx);
    });
  }

  /** Irreversible: every version and its ciphertext is deleted. The audit trail remains. */
  async destroy(key: Key & Actor): Promise<number> {
    return this.knex.transaction(async tx => {
      const versions = await tx('secret_versions').where(headKey(key)).delete();
      await tx('secret_heads').where(headKey(key)).delete();
      if (versions === 0) throw new NotFoundError(`No secret ${key.name} in ${key.environment}`);
      await this.audit.record({ ...key, action: 'destroy', detail: `${versions} version(s) destroyed` }, tx);
      return versions;
    });
  }

  /** Current values of every live secret in one environment of an entity (for exports). */
  async revealEnvironment(entityRef: string, environment: string): Promise<Array<{ name: string; value: string; version: number }>> {
    const live = (await this.list(entityRef)).filter(s => s.environment === environment);
    const out = [];
    for (const s of live) {
      const { value } = await this.reveal(s, s.version);
      out.push({ name: s.name, value, version: s.version });
    }
    return out;
  }

  /** How many stored versions each key-encryption key protects. */
  async keyUsage(): Promise<KeyUsage[]> {
    const rows = await this.knex('secret_versions').groupBy('kek_id').select('kek_id').count({ n: '*' });
    const counts = new Map(rows.map((r: any) => [String(r.kek_id), Number(r.n)]));
    const ids = new Set([...this.cipher.keyIds, ...counts.keys()]);
    return [...ids].sort().map(id => ({ id, active: id === this.cipher.activeKeyId, records: counts.get(id) ?? 0 }));
  }

  /**
   * Re-wraps up to `limit` data keys that are not under the active key. Each row is updated only
   * if it still has the key it was read with, so concurrent writers and readers are never blocked
   * and nothing is lost. Returns how many rows moved; 0 means done.
   */
  async rewrapBatch(limit = 500): Promise<number> {
    const rows = await this.knex('secret_versions')
      .whereNot('kek_id', this.cipher.activeKeyId)
      .limit(limit)
      .select('entity_ref', 'environment', 'name', 'version', 'kek_id', 'wrapped_key', 'nonce', 'ciphertext', 'tag');
    // One short transaction per batch: one commit instead of one per row.
    return this.knex.transaction(async tx => {
      let moved = 0;
      for (const row of rows) {
        const identity = { entityRef: row.entity_ref, environment: row.environment, name: row.name, version: Number(row.version) };
        const sealed = this.cipher.rewrap(identity, toSealed(row));
        moved += await tx('secret_versions')
          .where({ ...headKey(identity), version: identity.version, kek_id: row.kek_id })
          .update({ kek_id: sealed.kekId, wrapped_key: sealed.wrappedKey });
      }
      return moved;
    });
  }
}
