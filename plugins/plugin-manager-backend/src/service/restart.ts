import fs from 'node:fs';
import type { Config } from '@backstage/config';

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
 * Ends this backend gracefully to be started again: tells the supervisor (if any), then sends
 * itself SIGTERM; Backstage's own handler stops every plugin (in-flight requests finish) and exits.
 */
export function restartSelf() {
  const file = process.env[SUPERVISOR_RESTART_FILE_ENV];
  if (file) fs.writeFileSync(file, `${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGTERM');
}
