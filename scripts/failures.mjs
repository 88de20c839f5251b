#!/usr/bin/env node
// Usage: node scripts/failures.mjs REPORT.json...
// Prints one line per failed test found in Playwright and Jest JSON reports: the report, the
// test's file and title, and the first line of its error. `make test` prints these just above
// its last line, so a red run shows what failed even where only the end of its output is kept.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

const firstLine = text =>
  // eslint-disable-next-line no-control-regex
  String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').map(l => l.trim()).find(Boolean) ?? '';

function* playwrightFailures(report) {
  const walk = function* (suite, titles) {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected') continue;
        const last = t.results?.[t.results.length - 1];
        yield {
          where: `${spec.file}:${spec.line}`,
          title: [...titles, spec.title].join(' › '),
          error: firstLine(last?.error?.message ?? last?.errors?.[0]?.message),
        };
      }
    }
    for (const child of suite.suites ?? []) yield* walk(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) yield* walk(suite, []);
  for (const error of report.errors ?? [])
    yield { where: 'run', title: 'error outside a test', error: firstLine(error.message) };
}

function* jestFailures(report) {
  for (const file of report.testResults ?? []) {
    const failed = (file.assertionResults ?? []).filter(a => a.status === 'failed');
    for (const a of failed)
      yield {
        where: file.name,
        title: a.fullName,
        error: firstLine(a.failureMessages?.[0]),
      };
    if (!failed.length && file.status === 'failed')
      yield { where: file.name, title: 'the suite did not run', error: firstLine(file.message) };
  }
}

export function failures(report) {
  return report.testResults ? [...jestFailures(report)] : [...playwrightFailures(report)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const path of process.argv.slice(2)) {
    if (!existsSync(path)) continue;
    let report;
    try {
      report = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      console.log(`${basename(path)}: unreadable report`);
      continue;
    }
    for (const f of failures(report))
      console.log(`FAILED ${basename(path, '.json')}: ${f.title} (${f.where.replace(`${process.cwd()}/`, '')}): ${f.error}`.slice(0, 400));
  }
}
