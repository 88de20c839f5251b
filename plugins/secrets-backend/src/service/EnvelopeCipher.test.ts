import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, IntegrityError, type SealedValue, type SecretIdentity } from './EnvelopeCipher';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const id: SecretIdentity = { entityRef: 'component:default/stacktalk-core-api', environment: 'production', name: 'DATABASE_URL', version: 3 };
const value = Buffer.from('postgresql://core:s3cr3t@db.internal:5432/core');

function flipByte(buf: Buffer, at = 0) {
  const copy = Buffer.from(buf);
  copy[at] ^= 0x01;
  return copy;
}

describe('EnvelopeCipher', () => {
  const cipher = new EnvelopeCipher([k1, k2], 'k1');

  it('round-trips a value and never stores it in the clear', () => {
    const sealed = cipher.encrypt(id, value);
    expect(sealed.kekId).toBe('k1');
    expect(sealed.nonce).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.wrappedKey).toHaveLength(12 + 16 + 32);
    const stored = Buffer.concat([sealed.wrappedKey, sealed.nonce, sealed.ciphertext, sealed.tag]);
    expect(stored.includes(value)).toBe(false);
    expect(stored.includes(Buffer.from('s3cr3t'))).toBe(false);
    expect(cipher.decrypt(id, sealed)).toEqual(value);
  });

  it('uses a fresh data key and nonce for every value', () => {
    const a = cipher.encrypt(id, value);
    const b = cipher.encrypt(id, value);
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it.each([
    ['ciphertext', (s: SealedValue) => ({ ...s, ciphertext: flipByte(s.ciphertext) })],
    ['nonce', (s: SealedValue) => ({ ...s, nonce: flipByte(s.nonce) })],
    ['tag', (s: SealedValue) => ({ ...s, tag: flipByte(s.tag, 15) })],
    ['wrapped key', (s: SealedValue) => ({ ...s, wrappedKey: flipByte(s.wrappedKey, 40) })],
    ['truncated tag', (s: SealedValue) => ({ ...s, tag: s.tag.subarray(0, 8) })],
  ])('rejects a tampered %s with an integrity error', (_what, tamper) => {
    const sealed = cipher.encrypt(id, value);
    expect(() => cipher.decrypt(id, tamper(sealed))).toThrow(IntegrityError);
  });

  it.each([
    ['entity', { ...id, entityRef: 'component:default/other' }],
    ['environment', { ...id, environment: 'staging' }],
    ['name', { ...id, name: 'DATABASE_URL_2' }],
    ['version', { ...id, version: 2 }],
  ])('rejects a value moved to another %s', (_what, otherIdentity) => {
    const sealed = cipher.encrypt(id, value);
    expect(() => cipher.decrypt(otherIdentity, sealed)).toThrow(IntegrityError);
  });

  it('re-wraps under a new active key; the old key can then be removed', () => {
    const sealed = cipher.encrypt(id, value);
    const rotated = new EnvelopeCipher([k1, k2], 'k2');
    const rewrapped = rotated.rewrap(id, sealed);
    expect(rewrapped.kekId).toBe('k2');
    expect(rewrapped.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(new EnvelopeCipher([k2], 'k2').decrypt(id, rewrapped)).toEqual(value);
    expect(() => new EnvelopeCipher([k2], 'k2').decrypt(id, sealed)).toThrow(/"k1" is not configured/);
  });

  it('refuses a bad key configuration with a clear message', () => {
    expect(() => new EnvelopeCipher([{ id: 'short', key: randomBytes(16) }], 'short')).toThrow(/must be 32 bytes/);
    expect(() => new EnvelopeCipher([k1], 'missing')).toThrow(/active secrets key "missing"/);
    expect(() => new EnvelopeCipher([k1, k1], 'k1')).toThrow(/configured twice/);
  });

  it('handles empty, binary and 64 KiB values', () => {
    for (const v of [Buffer.alloc(0), Buffer.from([0, 255, 0, 10]), randomBytes(64 * 1024)]) {
      expect(cipher.decrypt(id, cipher.encrypt(id, v))).toEqual(v);
    }
  });
});
