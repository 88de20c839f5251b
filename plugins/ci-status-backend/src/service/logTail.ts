import type { CiLogLine } from '@stacktalk/plugin-ci-status-common';

/** Lines that say why a job failed: GitHub's error markers and common test-runner failures. */
const FAILING = [
  /##\[error\]/,
  /\b(FAIL|FAILED|ERROR|Error:|error:|Traceback|AssertionError|panic:)\b/,
  /●/,
  /\bexit code [1-9]/i,
  /\b[1-9]\d* (failed|failing|errors?)\b/i,
];

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /;

/** The last `count` lines of a job log, timestamps removed, failing lines marked. */
export function logTail(text: string, count: number): { lines: CiLogLine[]; totalLines: number } {
  const all = text.replace(/\r\n/g, '\n').split('\n');
  if (all[all.length - 1] === '') all.pop();
  const start = Math.max(0, all.length - count);
  const lines = all.slice(start).map((raw, i) => {
    const line = raw.replace(TIMESTAMP, '');
    return { number: start + i + 1, text: line, failing: FAILING.some(pattern => pattern.test(line)) };
  });
  return { lines, totalLines: all.length };
}
