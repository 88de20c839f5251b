// node --test scripts/failures.test.mjs: the failed tests `make test` names above its last line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failures } from './failures.mjs';

const spec = (title, status, message) => ({
  title,
  file: 'streams.test.ts',
  line: 72,
  tests: [{ status, results: [{ error: message ? { message } : undefined }] }],
});

test('Playwright: the failed test by its describe path, with the first line of its error; a skipped or passed one is not named', () => {
  const report = {
    suites: [
      {
        title: 'streams.test.ts',
        specs: [],
        suites: [
          {
            title: 'Streams tab',
            specs: [
              spec('a chart fills', 'expected'),
              spec('pausing stops the updates', 'unexpected', '\u001b[31mError: expect(received).toBe(expected)\u001b[39m\n\nExpected: 1\nReceived: 2'),
              spec('a user without payload permission', 'skipped'),
            ],
          },
        ],
      },
    ],
  };
  assert.deepEqual(failures(report), [
    {
      where: 'streams.test.ts:72',
      title: 'Streams tab › pausing stops the updates',
      error: 'Error: expect(received).toBe(expected)',
    },
  ]);
});

test('Jest: failed assertions by full name, and a suite that failed to run', () => {
  const report = {
    testResults: [
      {
        name: '/repo/plugins/a/src/router.test.ts',
        status: 'failed',
        assertionResults: [
          { status: 'passed', fullName: 'router lists' },
          { status: 'failed', fullName: 'router refuses a bad id', failureMessages: ['Error: expected 400, got 500\n    at …'] },
        ],
      },
      { name: '/repo/plugins/b/src/x.test.ts', status: 'failed', assertionResults: [], message: '\n  ● Test suite failed to run\n\n    Cannot find module' },
      { name: '/repo/plugins/c/src/y.test.ts', status: 'passed', assertionResults: [{ status: 'passed', fullName: 'y' }] },
    ],
  };
  assert.deepEqual(
    failures(report).map(f => `${f.title}: ${f.error}`),
    ['router refuses a bad id: Error: expected 400, got 500', 'the suite did not run: ● Test suite failed to run'],
  );
});

test('the command prints one FAILED line per failure, and skips absent or unreadable reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failures-'));
  writeFileSync(join(dir, 'e2e.json'), JSON.stringify({ suites: [{ title: 'f', specs: [spec('t', 'unexpected', 'Timed out 30000ms')] }] }));
  writeFileSync(join(dir, 'broken.json'), '{');
  const out = execFileSync(process.execPath, [new URL('./failures.mjs', import.meta.url).pathname, join(dir, 'e2e.json'), join(dir, 'absent.json'), join(dir, 'broken.json')], { encoding: 'utf8' });
  assert.equal(out, 'FAILED e2e: t (streams.test.ts:72): Timed out 30000ms\nbroken.json: unreadable report\n');
});
