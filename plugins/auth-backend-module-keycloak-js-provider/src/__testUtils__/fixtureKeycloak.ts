import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../../../..');
const SERVER = join(ROOT, 'examples/fixtures/keycloak-oidc/server.mjs');
const SIGN_IN = join(ROOT, 'examples/fixtures/keycloak-oidc/signIn.mjs');
export const FIXTURE_KID = 'fixture-rs256';
export const APP_URL = 'http://localhost:7017';

export interface FixtureKeycloak {
  /** Keycloak's base URL (without /realms), as auth.keycloak.url. */
  url: string;
  issuer: string;
  realm: string;
  clientId: string;
  /** The realm's signing key, to forge tokens a real Keycloak could have signed. */
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Signs in through the login form (code + PKCE) and returns the access token. */
  signIn(username: string): Promise<string>;
  jwksRequests(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts examples/fixtures/keycloak-oidc (oidc-provider at Keycloak's paths) in a child
 * process: it is an ES module with ES-module dependencies that Jest's module system cannot load.
 */
export async function startFixtureKeycloak(): Promise<FixtureKeycloak> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(mkdtempSync(join(tmpdir(), 'fixture-keycloak-')), 'key.json');
  writeFileSync(keyFile, JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: FIXTURE_KID }));
  const child: ChildProcess = spawn(process.execPath, [SERVER, '--port', '0', '--app-url', APP_URL, '--signing-key-file', keyFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const issuer = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += chunk;
      const m = /: (http:\S+\/realms\/\S+)\n/.exec(out);
      if (m) ok(m[1]);
    });
    child.on('exit', code => fail(new Error(`fixture Keycloak exited with ${code}: ${out}`)));
  });
  const url = issuer.replace(/\/realms\/.*$/, '');
  const clientId = 'stacktalk-portal';
  return {
    url,
    issuer,
    realm: 'stacktalk',
    clientId,
    privateKey,
    publicKey,
    async signIn(username) {
      const script = `import { signInWithPassword } from ${JSON.stringify(SIGN_IN)};
const t = await signInWithPassword(${JSON.stringify({ issuer, clientId, username, redirectUri: `${APP_URL}/` })});
process.stdout.write(t.access_token);`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
      return stdout;
    },
    async jwksRequests() {
      return ((await (await fetch(`${url}/fixture/jwks-requests`)).json()) as { count: number }).count;
    },
    close: () =>
      new Promise(done => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
