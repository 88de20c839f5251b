import { mockCredentials } from '@backstage/backend-test-utils';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../../..');

export interface PortalBackendProcess {
  /** fetch() against the backend as a signed-in user (a mock user token). */
  as(user: string): (path: string, init?: RequestInit) => Promise<Response>;
  stop(): Promise<void>;
}

/** Starts `portalBackendMain.ts` in a child process and waits until it listens. */
export async function spawnPortalBackend(options: { kubernetesUrl: string }): Promise<PortalBackendProcess> {
  const child = spawn(
    process.execPath,
    ['--require', '@backstage/cli/config/nodeTransform.cjs', resolve(__dirname, 'portalBackendMain.ts')],
    { cwd: ROOT, env: { ...process.env, KUBERNETES_URL: options.kubernetesUrl }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr!.on('data', d => (output += d));
  const port = await new Promise<string>((res, rej) => {
    child.stdout!.on('data', d => {
      output += d;
      const match = /portal backend listening on (\d+)/.exec(output);
      if (match) res(match[1]);
    });
    child.on('exit', code => rej(new Error(`portal backend exited ${code}:\n${output.slice(-4000)}`)));
  });
  const as = (user: string) => (path: string, init: RequestInit = {}) =>
    fetch(`http://localhost:${port}${path}`, {
      ...init,
      headers: { Authorization: mockCredentials.user.header(user), 'Content-Type': 'application/json', ...init.headers },
    });
  return {
    as,
    stop: () =>
      new Promise<void>(r => {
        if (child.exitCode !== null) r();
        child.on('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}
