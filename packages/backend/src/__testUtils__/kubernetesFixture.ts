import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const SERVER = resolve(__dirname, '../../../../examples/fixtures/kubernetes-api/server.mjs');

export interface KubernetesFixture {
  url: string;
  /** Every request the fixture answered, as `METHOD /path?query` (from its `--verbose` log). */
  requests(): string[];
  close(): Promise<void>;
}

/**
 * The fixture Kubernetes API server (examples/fixtures/kubernetes-api) on a free port. It is
 * ESM, so it runs as its CLI rather than imported into jest.
 */
export async function startKubernetesFixture(): Promise<KubernetesFixture> {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const requests: string[] = [];
  let stderr = '';
  child.stderr!.on('data', d => {
    stderr += d;
    const lines = stderr.split('\n');
    stderr = lines.pop()!;
    for (const line of lines) {
      const match = /^\[fixture-k8s\] (\S+ \S+) -> \d+$/.exec(line);
      if (match) requests.push(match[1]);
      else process.stderr.write(`${line}\n`);
    }
  });
  const url = await new Promise<string>((res, rej) => {
    child.stdout!.on('data', d => {
      const match = /listening on (http:\/\/\S+)/.exec(String(d));
      if (match) res(match[1]);
    });
    child.on('exit', code => rej(new Error(`fixture Kubernetes API exited ${code}`)));
  });
  return {
    url,
    requests: () => [...requests],
    close: () =>
      new Promise<void>(r => {
        if (child.exitCode !== null) r();
        child.on('exit', () => r());
        child.kill();
      }),
  };
}
