import { spawn } from 'node:child_process';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** The fixture lives in the repository's examples/, next to the plugins (tests only). */
const SERVER = resolvePackagePath(
  '@stacktalk/plugin-ci-status-node',
  '../../examples/fixtures/github-api/server.mjs',
);

export interface FixtureStats {
  /** API requests received (all answers). */
  requests: number;
  /** 200 answers (each cost one unit of rate limit). */
  ok: number;
  /** 304 answers (free). */
  notModified: number;
  errors: number;
  byRoute: Record<string, number>;
}

export interface GitHubFixture {
  url: string;
  stats(): Promise<FixtureStats>;
  /** Forgets stats, budgets and changes; rebuilds the data. */
  reset(): Promise<void>;
  /** `down`: 502 to every API call; `rate-limited`: 403 with the budget spent; `ok`. */
  setMode(mode: 'ok' | 'down' | 'rate-limited'): Promise<void>;
  /** Changes a run on the "GitHub" side (and its jobs); returns the run as GitHub would send it. */
  setRun(slug: string, runId: number, change: { status: string; conclusion: string | null }): Promise<Record<string, any>>;
  close(): Promise<void>;
}

/**
 * The fixture GitHub API server (examples/fixtures/github-api) on a free port. It is ESM, so it
 * runs as its CLI rather than imported into jest.
 */
export async function startGitHubFixture(args: string[] = []): Promise<GitHubFixture> {
  const child = spawn(process.execPath, [SERVER, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    child.stdout!.on('data', d => {
      const match = /listening on (http:\/\/\S+)/.exec(String(d));
      if (match) res(match[1]);
    });
    child.on('exit', code => rej(new Error(`fixture GitHub API exited ${code}`)));
  });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`fixture ${path}: ${response.status}`);
    return response.json();
  };
  return {
    url,
    stats: async () => (await fetch(`${url}/_fixture/stats`)).json(),
    reset: async () => {
      await post('/_fixture/reset', {});
    },
    setMode: async mode => {
      await post('/_fixture/mode', { mode });
    },
    setRun: async (slug, runId, change) => (await post(`/_fixture/runs/${slug}/${runId}`, change)).run,
    close: () =>
      new Promise<void>(r => {
        if (child.exitCode !== null) r();
        child.on('exit', () => r());
        child.kill();
      }),
  };
}
