// Processes of the two-replica test: the built backend twice and Debian's Nginx in front.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { restartReason } from '../restart-policy.mjs';

export const sleep = ms => new Promise(r => setTimeout(r, ms));

async function ok(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

export async function waitFor(what, fn, timeoutMs) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await fn()) return Date.now() - start;
    await sleep(250);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

/** One backend replica on `port`, started from the built tree `builtDir`. */
export class Replica {
  constructor({ name, port, builtDir, configs, workDir }) {
    Object.assign(this, { name, port, builtDir, configs, workDir });
    this.url = `http://127.0.0.1:${port}`;
    this.starts = 0;
    this.lines = [];
    // As scripts/supervise.mjs does: a backend that writes this file before it exits (the Plugins
    // page's restart, a replica catching up with a plugin change) is started again at once.
    this.restartFile = path.join(workDir, `${name}.restart`);
    this.selfRestarts = [];
    this.failures = [];
  }

  async start() {
    this.starts += 1;
    this.startedAt = Date.now();
    const overlay = path.join(this.workDir, `${this.name}.yaml`);
    fs.writeFileSync(overlay, `backend:\n  listen: ':${this.port}'\n`);
    this.logFile = path.join(this.workDir, `${this.name}-${this.starts}.log`);
    const log = fs.createWriteStream(this.logFile);
    const args = ['packages/backend', ...this.configs.flatMap(c => ['--config', c]), '--config', overlay];
    fs.rmSync(this.restartFile, { force: true });
    this.proc = spawn('node', args, {
      cwd: this.builtDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STACKTALK_SUPERVISOR_RESTART_FILE: this.restartFile },
    });
    this.proc.once('exit', code => {
      if (this.stopping) return;
      // Started again when it asked to be or failed, by the supervisor's rule.
      const reason = restartReason({ code, asked: fs.existsSync(this.restartFile), failures: this.failures });
      if (!reason) return;
      const restart = { at: Date.now(), reason: reason === 'asked' ? 'asked' : `exit ${code}`, log: this.logFile };
      this.selfRestarts.push(restart);
      this.respawned = this.start().then(
        ms => Object.assign(restart, { readyAt: Date.now(), ms }),
        error => Object.assign(restart, { error: error.message }));
    });
    // Every log line with the time it arrived (Backstage's JSON log lines carry no time).
    let rest = '';
    const onData = chunk => {
      log.write(chunk);
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) this.lines.push({ at: Date.now(), line });
    };
    this.proc.stdout.on('data', onData);
    this.proc.stderr.on('data', onData);
    this.exited = new Promise(r => this.proc.once('exit', r));
    // Time to the first HTTP answer (liveness) and to readiness (every plugin started).
    this.liveMs = undefined;
    const ms = await waitFor(`${this.name} ready`, async () => {
      if (this.proc.exitCode !== null) throw new Error(`${this.name} exited; see ${this.workDir}`);
      if (this.liveMs === undefined && (await ok(`${this.url}/.backstage/health/v1/liveness`))) this.liveMs = Date.now() - this.startedAt;
      return ok(`${this.url}/.backstage/health/v1/readiness`);
    }, 240_000);
    return ms;
  }

  /** SIGTERM (a rolling restart) or SIGKILL (a crash); resolves when the process is gone. */
  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.stopping = true;
    this.proc.kill(signal);
    await Promise.race([this.exited, sleep(60_000)]);
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
    this.stopping = false;
  }
}

/**
 * Nginx as the organisation runs it: round robin over the replicas, a failed connection or a 502/503
 * of an idempotent request retried on the other replica, and no buffering (server-sent events).
 */
export async function startNginx({ port, upstreams, workDir }) {
  const conf = path.join(workDir, 'nginx.conf');
  const write = servers => fs.writeFileSync(conf, `
pid ${workDir}/nginx.pid;
error_log ${workDir}/nginx-error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log ${workDir}/nginx-access.log;
  client_body_temp_path ${workDir}/body;
  proxy_temp_path ${workDir}/proxy;
  fastcgi_temp_path ${workDir}/fastcgi;
  uwsgi_temp_path ${workDir}/uwsgi;
  scgi_temp_path ${workDir}/scgi;
  upstream portal {
${servers.map(u => `    server ${u} max_fails=1 fail_timeout=3s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 3600s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
    }
  }
}
`);
  write(upstreams);
  const proc = spawn('nginx', ['-p', workDir, '-c', conf, '-g', 'daemon off;'], { stdio: 'inherit' });
  await waitFor('nginx listening', () => ok(`http://127.0.0.1:${port}/.backstage/health/v1/liveness`), 30_000);
  return {
    proc,
    stop: () => proc.kill('SIGQUIT'),
    /**
     * Serve from these replicas only, as Kubernetes does with the endpoints of ready pods: a
     * replica leaves before it stops (preStop) and comes back once its readiness probe passes.
     * Nginx reloads gracefully (SIGHUP): requests in flight finish on the old workers.
     */
    async setUpstreams(servers) {
      write(servers);
      proc.kill('SIGHUP');
      await sleep(1000);
    },
  };
}
