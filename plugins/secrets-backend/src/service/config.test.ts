import { ConfigReader } from '@backstage/config';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ENVIRONMENTS, loadKeyRing, readMachineGrants, readSecretsEnvironments } from './config';

function capture() {
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m), info() {}, error() {}, debug() {}, child: () => logger } as any;
  return { logger, warnings };
}
const key = (n: number) => Buffer.alloc(32, n).toString('base64');

describe('secrets config', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('generates a local key once, with mode 0600, and warns loudly on every start', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'secrets-cfg-')), 'nested', 'key.json');
    const config = new ConfigReader({ secrets: { localKeyFile: file } });
    const first = capture();
    const ring = loadKeyRing(config, first.logger);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(join(file, '..', '..')).mode & 0o777).toBe(0o700);
    expect(first.warnings.join('\n')).toMatch(/GENERATED a local secrets key[\s\S]*LOCAL key file/);
    const second = capture();
    expect(loadKeyRing(config, second.logger)).toEqual(ring);
    expect(second.warnings).toEqual([expect.stringContaining('Do not use this in production')]);
    expect(JSON.parse(readFileSync(file, 'utf8')).id).toBe(ring.activeKeyId);
  });

  it('refuses a key file that others may read, saying how to fix it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-cfg-'));
    const file = join(dir, 'key.json');
    writeFileSync(file, JSON.stringify({ id: 'local-1', secret: key(3) }), { mode: 0o644 });
    chmodSync(file, 0o644);
    const config = new ConfigReader({ secrets: { localKeyFile: file } });
    expect(() => loadKeyRing(config, capture().logger)).toThrow(`${file} may be read by other users (mode 644); run: chmod 600 ${file}`);
    chmodSync(file, 0o640);
    expect(() => loadKeyRing(config, capture().logger)).toThrow(/mode 640/);
    chmodSync(file, 0o600);
    expect(loadKeyRing(config, capture().logger).activeKeyId).toBe('local-1');
  });

  it('grants machine tokens nothing unless entities and environments are listed', () => {
    const grants = readMachineGrants(
      new ConfigReader({ secrets: { machineAccess: [{ subject: 'bare' }, { subject: 'ci', entities: ['Component:default/API', '*'], environments: ['*', 'production'] }] } }),
    );
    expect(grants).toEqual([
      { subject: 'bare', entities: [], environments: [] },
      { subject: 'ci', entities: ['component:default/api', '*'], environments: ['*', 'production'] },
    ]);
  });

  it('refuses to start without a configured key in production', () => {
    const { logger } = capture();
    expect(() => loadKeyRing(new ConfigReader({ secrets: { requireConfiguredKey: true } }), logger)).toThrow(/refusing to start/);
    process.env.NODE_ENV = 'production';
    expect(() => loadKeyRing(new ConfigReader({}), logger)).toThrow(/secrets.keys is not configured/);
  });

  it('reads configured keys with one active, and rejects bad ones with the fix', () => {
    const { logger } = capture();
    const ring = loadKeyRing(new ConfigReader({ secrets: { keys: [{ id: 'old', secret: key(1) }, { id: 'new', secret: key(2), active: true }] } }), logger);
    expect(ring.activeKeyId).toBe('new');
    expect(ring.keys.map(k => k.id)).toEqual(['old', 'new']);
    expect(() => loadKeyRing(new ConfigReader({ secrets: { keys: [{ id: 'short', secret: 'c2hvcnQ=' }] } }), logger)).toThrow(/32 bytes[\s\S]*openssl rand -base64 32/);
    expect(() => loadKeyRing(new ConfigReader({ secrets: { keys: [{ id: 'a', secret: key(1) }, { id: 'b', secret: key(2) }] } }), logger)).toThrow(/mark exactly one key/);
  });

  it('reads environments with defaults and explains mistakes', () => {
    expect(readSecretsEnvironments(new ConfigReader({}))).toEqual(DEFAULT_ENVIRONMENTS);
    expect(readSecretsEnvironments(new ConfigReader({ secrets: { environments: [{ name: 'prod-eu', deployment: 'kubernetes', production: true }] } }))).toEqual([
      { name: 'prod-eu', deployment: 'kubernetes', target: 'prod-eu', production: true },
    ]);
    expect(() => readSecretsEnvironments(new ConfigReader({ secrets: { environments: [{ name: 'qa', deployment: 'heroku' }] } }))).toThrow(/must be one of app-platform, droplet, kubernetes/);
    expect(() => readSecretsEnvironments(new ConfigReader({ secrets: { environments: [{ name: 'qa', deployment: 'droplet' }, { name: 'qa', deployment: 'droplet' }] } }))).toThrow(/listed twice/);
  });
});
