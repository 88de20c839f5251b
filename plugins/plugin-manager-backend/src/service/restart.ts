import fs from 'node:fs';
import { type Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/**
 * scripts/supervise.mjs runs the backend with this variable naming a file; a backend that writes
 * it before it exits is started again (an exit without it ends the supervisor, as Ctrl-C does).
 */
export const SUPERVISOR_RESTART_FILE_ENV = 'STACKTALK_SUPERVISOR_RESTART_FILE';

/**
 * Whether something starts the backend again when it exits: `pluginManager.restart.enabled`
 * (Kubernetes restarts a container that exits), or the StackTalk supervisor (`make start`).
 */
export function restartAvailable(config: Config): boolean {
  return config.getOptionalBoolean('pluginManager.restart.enabled') ?? Boolean(process.env[SUPERVISOR_RESTART_FILE_ENV]);
}

/**
 * How long a restart may take to end gracefully: Backstage's `backend.lifecycle.serverShutdownDelay`
 * (still serving while its readiness already fails, so a load balancer takes it out before it
 * stops) plus `pluginManager.restart.graceSeconds` for open connections.
 */
export function restartGraceMs(config: Config): number {
  const delay = config.has('backend.lifecycle.serverShutdownDelay')
    ? durationToMilliseconds(readDurationFromConfig(config, { key: 'backend.lifecycle.serverShutdownDelay' }))
    : 0;
  return delay + (config.getOptionalNumber('pluginManager.restart.graceSeconds') ?? 10) * 1000;
}

/**
 * Ends this backend gracefully to be started again: tells the supervisor (if any), then sends
 * itself SIGTERM; Backstage's own handler stops every plugin and closes the HTTP server, which
 * waits for open connections. Requests finish in well under the grace period, but long polls
 * (the events bus holds them 55 s) and live streams do not end on their own: after `graceMs` the
 * process exits anyway, as Kubernetes ends a pod after its termination grace period. Their
 * clients reconnect to the new process.
 */
let restarting = false;
export function restartSelf(graceMs = 10_000) {
  // Once: a second call (a replica's next catch-up check during the shutdown delay, a second
  // POST /restart) would start a second grace period counted from later.
  if (restarting) return;
  restarting = true;
  const file = process.env[SUPERVISOR_RESTART_FILE_ENV];
  if (file) fs.writeFileSync(file, `${new Date().toISOString()}\n`);
  setTimeout(() => {
    process.stderr.write(`restart: not stopped after ${graceMs / 1000} s (open connections); exiting\n`);
    process.exit(0);
  }, graceMs).unref();
  process.kill(process.pid, 'SIGTERM');
}
