// node --test scripts/supervise.test.mjs: the supervisor with small child scripts standing in
// for the backend (each start appends a line to a file; the script's argument says how it ends).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { FAILURE_WINDOW_MS, restartReason } from './restart-policy.mjs';

const SUPERVISOR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'supervise.mjs');

/** A child that records its start, then: asks for a restart the first N times, or fails, or ends. */
const CHILD = `
const fs = require('fs');
const [log, mode, times] = process.argv.slice(1);
fs.appendFileSync(log, 'start\\n');
const starts = fs.readFileSync(log, 'utf8').trim().split('\\n').length;
if (mode === 'restart' && starts <= Number(times)) {
  fs.writeFileSync(process.env.STACKTALK_SUPERVISOR_RESTART_FILE, 'now');
  process.exit(0);
}
if (mode === 'fail') process.exit(3);
if (mode === 'wait') {
  process.on('SIGTERM', () => { fs.appendFileSync(log, 'sigterm\\n'); process.exit(0); });
  fs.appendFileSync(log, 'ready\\n');
  setInterval(() => {}, 1000);
} else if (mode === 'slow') {
  // A graceful stop that takes a while (Backstage stopping its plugins); ignores SIGINT.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {
    fs.appendFileSync(log, 'sigterm\\n');
    setTimeout(() => { fs.appendFileSync(log, 'stopped\\n'); process.exit(0); }, Number(times));
  });
  fs.appendFileSync(log, 'ready\\n');
  setInterval(() => {}, 1000);
} else {
  process.exit(0);
}
`;

function supervise(mode, times = 0) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervise-test-'));
  const log = path.join(dir, 'starts.log');
  fs.writeFileSync(log, '');
  const child = spawn(process.execPath, [SUPERVISOR, '--', process.execPath, '-e', CHILD, log, mode, String(times)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', d => (stderr += d));
  const done = new Promise(resolve => child.on('exit', code => resolve(code)));
  const lines = () => fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
  return { child, done, lines, stderr: () => stderr };
}

/** Until the child has set its signal handlers. */
async function ready(run) {
  while (!run.lines().includes('ready')) await new Promise(resolve => setTimeout(resolve, 50));
}

test('a backend that asks to be started again is started again, each time it asks', async () => {
  const run = supervise('restart', 2);
  assert.equal(await run.done, 0);
  assert.deepEqual(run.lines(), ['start', 'start', 'start']);
  assert.match(run.stderr(), /asked to be started again/);
});

test('a backend that ends without asking ends the supervisor with its status', async () => {
  const run = supervise('exit');
  assert.equal(await run.done, 0);
  assert.deepEqual(run.lines(), ['start']);
});

test('a backend that fails is started again, and given up after 3 failures in 10 minutes', async () => {
  const run = supervise('fail');
  assert.equal(await run.done, 3);
  assert.deepEqual(run.lines(), ['start', 'start', 'start']);
  assert.match(run.stderr(), /exited with 3 3 times in 10 minutes; giving up/);
});

test('SIGTERM to the supervisor stops the backend and is not followed by a new start', async () => {
  const run = supervise('wait');
  await ready(run);
  run.child.kill('SIGTERM');
  assert.equal(await run.done, 0);
  assert.deepEqual(run.lines(), ['start', 'ready', 'sigterm']);
});

// Two requests to stop, `gap` ms apart, to a backend whose graceful stop takes `stopMs`.
for (const { name, stopMs, gap, second, graceful } of [
  // A terminal's Ctrl-C: the group's SIGINT and portal.sh's SIGTERM at once.
  { name: 'Ctrl-C (SIGTERM and SIGINT at once) stops the backend gracefully', stopMs: 800, gap: 100, second: 'SIGINT', graceful: true },
  { name: 'a second request to stop, later, ends the backend at once', stopMs: 60_000, gap: 2500, second: 'SIGTERM', graceful: false },
]) {
  test(name, async () => {
    const run = supervise('slow', stopMs);
    await ready(run);
    run.child.kill('SIGTERM');
    await new Promise(resolve => setTimeout(resolve, gap));
    run.child.kill(second);
    const code = await run.done;
    assert.equal(code === 0, graceful);
    assert.deepEqual(run.lines(), ['start', 'ready', 'sigterm', ...(graceful ? ['stopped'] : [])]);
  });
}

test('the restart rule (shared with the two-replica runner): asked, or failed fewer than 3 times in 10 minutes', () => {
  const t0 = 1_000_000;
  const failures = [];
  const decide = (code, asked, now) => restartReason({ code, asked, failures, now });
  assert.equal(decide(0, true, t0), 'asked');
  assert.equal(decide(0, false, t0), undefined);
  assert.equal(decide(null, false, t0), undefined); // ended by a signal from outside
  assert.equal(decide(1, false, t0), 'failed');
  assert.equal(decide(1, false, t0 + 1000), 'failed');
  assert.equal(decide(1, true, t0 + 2000), 'asked'); // asking is not failing
  assert.equal(decide(1, false, t0 + 3000), undefined); // the 3rd failure within 10 minutes
  assert.equal(decide(1, false, t0 + 3000 + FAILURE_WINDOW_MS + 1), 'failed'); // the old ones have aged out
});
