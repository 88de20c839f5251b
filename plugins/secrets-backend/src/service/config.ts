import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KeyEncryptionKey } from './EnvelopeCipher';

// The environment and admin-group readers are shared with the permission policy: secrets-node.
export { DEFAULT_ENVIRONMENTS, readAdminGroups, readSecretsEnvironments } from '@stacktalk/plugin-secrets-node';

export interface KeyRing {
  keys: KeyEncryptionKey[];
  activeKeyId: string;
}

function decodeKey(id: string, secret: string): Buffer {
  const key = Buffer.from(secret, 'base64');
  if (key.length !== 32) throw new Error(`secrets.keys "${id}": secret must be 32 bytes, base64-encoded (got ${key.length} bytes); generate one with: openssl rand -base64 32`);
  return key;
}

/**
 * The key-encryption keys. Configured keys (`secrets.keys[]`, one `active`) are required in
 * production (`secrets.requireConfiguredKey` or NODE_ENV=production); the embedded default
 * generates a local key file on first start and warns about it on every start.
 */
export function loadKeyRing(config: Config, logger: LoggerService): KeyRing {
  const configured = config.getOptionalConfigArray('secrets.keys') ?? [];
  if (configured.length > 0) {
    const keys = configured.map(c => ({ id: c.getString('id'), key: decodeKey(c.getString('id'), c.getString('secret')) }));
    const active = configured.filter(c => c.getOptionalBoolean('active')).map(c => c.getString('id'));
    if (active.length > 1) throw new Error(`secrets.keys: only one key may be active, found ${active.join(', ')}`);
    const activeKeyId = active[0] ?? (keys.length === 1 ? keys[0].id : undefined);
    if (!activeKeyId) throw new Error('secrets.keys: mark exactly one key with active: true');
    return { keys, activeKeyId };
  }
  if (config.getOptionalBoolean('secrets.requireConfiguredKey') || process.env.NODE_ENV === 'production') {
    throw new Error(
      'secrets.keys is not configured: refusing to start without a key-encryption key. Set secrets.keys[0].id and secrets.keys[0].secret (openssl rand -base64 32).',
    );
  }
  const file = path.resolve(config.getOptionalString('secrets.localKeyFile') ?? 'data/secrets/local-key.json');
  if (!fs.existsSync(file)) {
    // Folders it creates are the owner's alone (0700); the key file 0600.
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify({ id: 'local-1', secret: randomBytes(32).toString('base64') }), { mode: 0o600, flag: 'wx' });
    logger.warn(`GENERATED a local secrets key in ${file}. Fine for a demo; in production configure secrets.keys (anyone with this file can decrypt every secret).`);
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`secrets.localKeyFile ${file} may be read by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  }
  const { id, secret } = JSON.parse(fs.readFileSync(file, 'utf8'));
  logger.warn(`Secrets are encrypted with the LOCAL key file ${file}, not a configured key (secrets.keys). Do not use this in production.`);
  return { keys: [{ id, key: decodeKey(id, secret) }], activeKeyId: id };
}

/** `secrets.machineAccess[]`: which external-access subjects may export what. */
export interface MachineGrant {
  subject: string;
  entities: string[];
  environments: string[];
}

export function readMachineGrants(config: Config): MachineGrant[] {
  return (config.getOptionalConfigArray('secrets.machineAccess') ?? []).map(c => ({
    subject: c.getString('subject'),
    // Entity refs are compared in their canonical lower-case form, as routes parse them.
    // Nothing unless listed; `*` covers every entity, and every environment except production ones.
    entities: (c.getOptionalStringArray('entities') ?? []).map(e => e.toLocaleLowerCase('en-US')),
    environments: c.getOptionalStringArray('environments') ?? [],
  }));
}

/** `secrets.trustedProxies`: proxies whose X-Forwarded-For the audit log believes (none by default). */
export function readTrustedProxies(config: Config): string[] {
  return config.getOptionalStringArray('secrets.trustedProxies') ?? [];
}
