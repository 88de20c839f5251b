import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import { EnvelopeCipher, type SealedValue, type SecretIdentity } from './EnvelopeCipher';
import { validateSecretName, validateSecretValue } from './validation';

/** What anyone allowed to list secrets may see: never the value. */
export interface SecretVersionMetadata {
  entityRef: string;
  environment: string;
  name: string;
  version: number;
  createdBy: string;
  createdAt: string;
  description?: string;
  rotateBy?: string;
}

export interface PutSecretRequest {
  entityRef: string;
  environment: string;
  name: string;
  value: string;
  /** The version the writer last saw; 0 for a new secret (check-and-set). */
  expectedVersion: number;
  actor: string;
  description?: string;
  rotateBy?: Date;
}

type Key = Pick<SecretIdentity, 'entityRef' | 'environment' | 'name'>;

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
  };
}

/** Versioned, envelope-encrypted secrets in the plugin's database (SQLite or PostgreSQL). */
export class SecretStore {
  static async create(options: { knex: Knex; cipher: EnvelopeCipher; migrationsDirectory: string }) {
    await options.knex.migrate.latest({ directory: options.migrationsDirectory });
    return new SecretStore(options.knex, options.cipher);
  }

  private constructor(private readonly knex: Knex, private readonly cipher: EnvelopeCipher) {}

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

  private async writeVersion(key: Key, value: string, request: PutSecretRequest) {
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
        await tx('secret_heads').where(headKey(key)).update({ current_version: version, deleted_at: null });
      } else {
        await tx('secret_heads').insert({ ...headKey(key), current_version: version });
      }
      return toMetadata(row);
    });
  }

  /** Decrypts the current (or a given) version. */
  async reveal(key: Key, version?: number): Promise<{ value: string; metadata: SecretVersionMetadata }> {
    const head = await this.knex('secret_heads').where(headKey(key)).first();
    if (!head || head.deleted_at) throw new NotFoundError(`No secret ${key.name} in ${key.environment}`);
    const wanted = version ?? Number(head.current_version);
    const row = await this.knex('secret_versions').where({ ...headKey(key), version: wanted }).first();
    if (!row) throw new NotFoundError(`${key.name} in ${key.environment} has no version ${wanted}`);
    const sealed: SealedValue = {
      kekId: row.kek_id,
      wrappedKey: Buffer.from(row.wrapped_key),
      nonce: Buffer.from(row.nonce),
      ciphertext: Buffer.from(row.ciphertext),
      tag: Buffer.from(row.tag),
    };
    const plaintext = this.cipher.decrypt({ ...key, version: wanted }, sealed);
    return { value: plaintext.toString('utf8'), metadata: toMetadata(row) };
  }

  /** The current version of every live secret of an entity, across environments. */
  async list(entityRef: string): Promise<SecretVersionMetadata[]> {
    const rows = await this.knex('secret_heads as h')
      .join('secret_versions as v', join =>
        join
          .on('v.entity_ref', 'h.entity_ref')
          .andOn('v.environment', 'h.environment')
          .andOn('v.name', 'h.name')
          .andOn('v.version', 'h.current_version'),
      )
      .where('h.entity_ref', entityRef)
      .whereNull('h.deleted_at')
      .orderBy([{ column: 'v.name' }, { column: 'v.environment' }])
      .select('v.entity_ref', 'v.environment', 'v.name', 'v.version', 'v.created_by', 'v.created_at', 'v.description', 'v.rotate_by');
    return rows.map(toMetadata);
  }

  /** Every version of one secret, newest first (metadata only). */
  async history(key: Key): Promise<SecretVersionMetadata[]> {
    const rows = await this.knex('secret_versions')
      .where(headKey(key))
      .orderBy('version', 'desc')
      .select('entity_ref', 'environment', 'name', 'version', 'created_by', 'created_at', 'description', 'rotate_by');
    if (rows.length === 0) throw new NotFoundError(`No secret ${key.name} in ${key.environment}`);
    return rows.map(toMetadata);
  }
}
