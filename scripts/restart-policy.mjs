// When an exited backend is started again: one rule for scripts/supervise.mjs (`make start`, the
// Plugins page's e2e) and the two-replica test's replica runner (scripts/two-replicas/replicas.mjs),
// the way Kubernetes restarts a container.
// - It asked to be (it wrote the restart file before exiting: the Plugins page applying a change).
// - It exited with an error (a failed start with new dynamic plugins is rolled back by the next
//   start), unless that was its 3rd failure within 10 minutes.
// - Otherwise (exit 0, or ended by a signal from outside) it stays stopped.
export const FAILURE_WINDOW_MS = 10 * 60_000;
export const MAX_FAILURES = 3;

/**
 * 'asked', 'failed' or undefined (stay stopped). `failures` holds the times of the earlier failed
 * exits and gains this one when it failed.
 */
export function restartReason({ code, asked, failures, now = Date.now() }) {
  if (asked) return 'asked';
  if (code === 0 || code === null) return undefined;
  failures.push(now);
  while (failures.length > 0 && now - failures[0] > FAILURE_WINDOW_MS) failures.shift();
  return failures.length < MAX_FAILURES ? 'failed' : undefined;
}
