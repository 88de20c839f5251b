import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { InputError } from '@backstage/errors';

/** Which secret version a ciphertext belongs to; bound into it as additional authenticated data. */
export interface SecretIdentity {
  entityRef: string;
  environment: string;
  name: string;
  version: number;
}

/** A key-encryption key from config (`secrets.keys[]`). */
export interface KeyEncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** What is stored for one secret version: nothing here reveals the value. */
export interface SealedValue {
  /** Id of the key-encryption key that wraps the data key. */
  kekId: string;
  /** The per-value data key, AES-256-GCM encrypted under the KEK: nonce(12) | tag(16) | key(32). */
  wrappedKey: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** Thrown when a stored value fails authentication: tampered, truncated or moved to another row. */
export class IntegrityError extends Error {
  name = 'IntegrityError';
}

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** The AAD for a value: its full identity, unambiguously encoded. */
export function identityAad(identity: SecretIdentity): Buffer {
  return Buffer.from(
    JSON.stringify(['stacktalk-secret/v1', identity.entityRef, identity.environment, identity.name, identity.version]),
    'utf8',
  );
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer) {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

function open(key: Buffer, sealed: { nonce: Buffer; ciphertext: Buffer; tag: Buffer }, aad: Buffer, what: string) {
  if (sealed.nonce.length !== NONCE_BYTES || sealed.tag.length !== TAG_BYTES) {
    throw new IntegrityError(`${what} has a malformed nonce or tag`);
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new IntegrityError(`${what} failed authentication (tampered, or not stored for this secret)`);
  }
}

/**
 * Envelope encryption: every value gets a fresh random data key (AES-256-GCM, random 96-bit
 * nonce); the data key is wrapped by a key-encryption key. Both layers authenticate the secret's
 * identity, so a ciphertext or wrapped key copied to another row fails to open.
 */
export class EnvelopeCipher {
  private readonly keys: Map<string, Buffer>;

  constructor(keys: KeyEncryptionKey[], readonly activeKeyId: string) {
    this.keys = new Map();
    for (const { id, key } of keys) {
      if (key.length !== KEY_BYTES) throw new InputError(`secrets key "${id}" must be ${KEY_BYTES} bytes, got ${key.length}`);
      if (this.keys.has(id)) throw new InputError(`secrets key "${id}" is configured twice`);
      this.keys.set(id, key);
    }
    if (!this.keys.has(activeKeyId)) throw new InputError(`the active secrets key "${activeKeyId}" is not configured`);
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  encrypt(identity: SecretIdentity, plaintext: Buffer): SealedValue {
    const aad = identityAad(identity);
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const value = seal(dataKey, plaintext, aad);
      return { kekId: this.activeKeyId, wrappedKey: this.wrap(this.activeKeyId, dataKey, aad), ...value };
    } finally {
      dataKey.fill(0);
    }
  }

  decrypt(identity: SecretIdentity, sealed: SealedValue): Buffer {
    const aad = identityAad(identity);
    const dataKey = this.unwrap(sealed, aad);
    try {
      return open(dataKey, sealed, aad, 'secret value');
    } finally {
      dataKey.fill(0);
    }
  }

  /** Re-wraps the data key under the active KEK without touching the value's ciphertext. */
  rewrap(identity: SecretIdentity, sealed: SealedValue): SealedValue {
    if (sealed.kekId === this.activeKeyId) return sealed;
    const aad = identityAad(identity);
    const dataKey = this.unwrap(sealed, aad);
    try {
      return { ...sealed, kekId: this.activeKeyId, wrappedKey: this.wrap(this.activeKeyId, dataKey, aad) };
    } finally {
      dataKey.fill(0);
    }
  }

  private wrap(kekId: string, dataKey: Buffer, aad: Buffer): Buffer {
    const { nonce, ciphertext, tag } = seal(this.keys.get(kekId)!, dataKey, aad);
    return Buffer.concat([nonce, tag, ciphertext]);
  }

  private unwrap(sealed: SealedValue, aad: Buffer): Buffer {
    const kek = this.keys.get(sealed.kekId);
    if (!kek) throw new IntegrityError(`secrets key "${sealed.kekId}" is not configured; it is needed to read this value`);
    const w = sealed.wrappedKey;
    if (w.length !== NONCE_BYTES + TAG_BYTES + KEY_BYTES) throw new IntegrityError('wrapped data key has the wrong length');
    return open(
      kek,
      { nonce: w.subarray(0, NONCE_BYTES), tag: w.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES), ciphertext: w.subarray(NONCE_BYTES + TAG_BYTES) },
      aad,
      'wrapped data key',
    );
  }
}
