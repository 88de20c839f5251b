// Runs the backend and starts it again when it asks to be (the Plugins page applies an admin's
// change by a graceful restart) or when it fails to start, the way Kubernetes restarts a
// container: node scripts/supervise.mjs -- <command> [args...]
//
// - The child gets STACKTALK_SUPERVISOR_RESTART_FILE (plugin-manager-backend restart.ts); when it
//   exits having written that file, it is started again at once.
// - An exit with an error is followed by a new start too, unless it failed 3 times within 10
//   minutes (scripts/restart-policy.mjs).
// - Any other exit (0, or ended by a signal from outside) ends the supervisor with its status.
// - SIGINT / SIGTERM to the supervisor go to the child and end supervision; a second one, 2 s or
//   more later, ends the child at once (SIGKILL).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_FAILURES, restartReason } from './restart-policy.mjs';

const separator = process.argv.indexOf('--');
const command = separator >= 0 ? process.argv.slice(separator + 1) : process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node scripts/supervise.mjs -- <command> [args...]');
  process.exit(2);
}

const restartFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stacktalk-supervisor-')), 'restart-requested');
const say = message => console.error(`[supervisor] ${new Date().toISOString()} ${message}`);
const failures = [];
let child;
let stopping = false;

function start() {
  fs.rmSync(restartFile, { force: true });
  child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, STACKTALK_SUPERVISOR_RESTART_FILE: restartFile },
  });
  say(`started ${path.basename(command[0])} (pid ${child.pid})`);
  child.on('exit', (code, signal) => {
    const asked = fs.existsSync(restartFile);
    if (stopping) {
      fs.rmSync(path.dirname(restartFile), { recursive: true, force: true });
      process.exit(code ?? 1);
    }
    const reason = restartReason({ code, asked, failures });
    if (reason === 'asked') {
      say(`the backend asked to be started again (exit ${code ?? signal}); starting it`);
      start();
      return;
    }
    if (reason === 'failed') {
      say(`the backend exited with ${code}; starting it again (failure ${failures.length} of ${MAX_FAILURES} in 10 min)`);
      setTimeout(start, 1000);
      return;
    }
    if (code !== 0 && code !== null) say(`the backend exited with ${code} ${failures.length} times in 10 minutes; giving up`);
    fs.rmSync(path.dirname(restartFile), { recursive: true, force: true });
    process.exit(code ?? (signal ? 1 : 0));
  });
}

// A second signal within this time is the same request: a terminal's Ctrl-C reaches the whole
// process group, and scripts/portal.sh passes it on as SIGTERM too.
const SAME_REQUEST_MS = 2000;
let stopAskedAt = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) {
      if (Date.now() - stopAskedAt >= SAME_REQUEST_MS) child?.kill('SIGKILL');
      return;
    }
    stopping = true;
    stopAskedAt = Date.now();
    child?.kill(signal);
  });
}

start();
