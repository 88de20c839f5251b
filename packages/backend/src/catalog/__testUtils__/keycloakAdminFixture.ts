import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './loadCatalog';

const SERVER = resolve(REPO_ROOT, 'examples/fixtures/keycloak-admin/server.mjs');

export interface FixtureKeycloakAdmin {
  /** Keycloak's base URL (without /realms), as catalog.providers.keycloakOrg.*.baseUrl. */
  baseUrl: string;
  /** The requests the fixture answered, as "METHOD path". */
  requests(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts the FIXTURE Keycloak Admin REST API (examples/fixtures/keycloak-admin, the example
 * realm's users and groups) in a child process on a free port.
 */
export async function startFixtureKeycloakAdmin(): Promise<FixtureKeycloakAdmin> {
  const child = spawn(process.execPath, [SERVER, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  const baseUrl = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', chunk => {
      out += chunk;
      const m = /: (http:\/\/\S+)\n/.exec(out);
      if (m) ok(m[1]);
    });
    child.stderr.on('data', chunk => (out += chunk));
    child.once('exit', code => fail(new Error(`fixture Keycloak Admin API exited with ${code}: ${out}`)));
  });
  return {
    baseUrl,
    requests: async () => (await fetch(`${baseUrl}/fixture/requests`)).json(),
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
