/* eslint-disable no-console */
/**
 * Reports benchmark (issue 4). One service-overview HTML, rendered to PDF by:
 *   (a) our BrowserPool + PdfRenderer with its default concurrency (CPU cores): locked-down
 *       pages, interception, header/footer with page numbers,
 *   (b) a naive puppeteer launch per PDF,
 *   (c) wkhtmltopdf (Debian package),
 *   (d) the floor: raw page.pdf() on one reused page (concurrent requests wait for it), no
 *       safeguards, no header/footer;
 *   (e) the floor with the print call our renderer makes (Page.printToPDF, the PDF in its answer);
 * with the Chromium headless shell and the full Chromium (each one that is installed), for 1 and
 * 4 concurrent requests. Then: 100 queued jobs with the renderer's Chromium killed mid-batch.
 * The variants take turns (--rounds, default 5) so the machine's drifting load falls on all alike.
 * Prints PDFs/s, p50/p95 and ratios against the goals; asserts nothing.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/reports.bench.ts [--n 40]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import { readlinkSync } from 'node:fs';
import knexFactory from 'knex';
import { resolve } from 'node:path';
import puppeteer, { type Page } from 'puppeteer-core';
import type { Entity } from '@backstage/catalog-model';
import { BrowserPool, CHROMIUM_ARGS } from '../plugins/reports-backend/src/service/BrowserPool';
import { chromiumKind, detectChromium, detectFullChromium, detectHeadlessShell } from '../plugins/reports-backend/src/service/chromiumArgs';
import { PdfRenderer } from '../plugins/reports-backend/src/service/PdfRenderer';
import { ReportQueue } from '../plugins/reports-backend/src/service/ReportQueue';
import { ReportWorker } from '../plugins/reports-backend/src/service/ReportWorker';
import { createTemplates } from '../plugins/reports-backend/src/templates/ReportTemplates';
import { BUILTIN_SECTIONS } from '../plugins/reports-backend/src/templates/builtinSections';
import { percentile, type Measured } from './lib';

const run = promisify(execFile);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 40);
const NAIVE_N = Math.max(4, Math.round(N / 5));
const ROUNDS = arg('rounds', 5);
const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as any;

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'stacktalk-report-service',
    title: 'Report service',
    description: 'FastAPI service for unified PDF reporting: templates, on-demand and scheduled jobs.',
    tags: ['python', 'fastapi', 'pdf', 'kafka'],
    links: [{ url: 'https://github.com/stacktalk/stacktalk-report-service', title: 'Repository' }],
    annotations: { 'backstage.io/kubernetes-id': 'stacktalk-report-service', 'backstage.io/techdocs-ref': 'dir:.' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/reporting' },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/reporting' },
    { type: 'partOf', targetRef: 'system:default/stacktalk' },
    ...Array.from({ length: 24 }, (_, i) => ({ type: i % 3 ? 'dependsOn' : 'consumesApi', targetRef: `resource:default/dependency-${i}` })),
  ],
};

type Key = 'a' | 'b' | 'd' | 'e';
const label: Record<Key | 'c', string> = {
  a: `(a) our pool (${os.cpus().length} pages)`,
  b: '(b) naive launch per PDF',
  c: '(c) wkhtmltopdf',
  d: '(d) raw page.pdf(), one page',
  e: '(e) raw Page.printToPDF, one page',
};

/**
 * Runs every variant in `ROUNDS` turns (each turn: its share of `total[k]` operations with
 * `concurrency` workers), so the load of this shared machine, which drifts over minutes, falls
 * on all of them alike; PDFs/s = operations / time spent in that variant's turns.
 */
async function interleaved(ops: Record<string, () => Promise<unknown>>, total: Record<string, number>, concurrency: number) {
  const latencies: Record<string, number[]> = {};
  const seconds: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, op] of Object.entries(ops)) {
      const count = Math.max(1, Math.round(total[k] / ROUNDS));
      let next = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) {
            next++;
            const t = process.hrtime.bigint();
            await op();
            (latencies[k] ??= []).push(Number(process.hrtime.bigint() - t) / 1e6);
          }
        }),
      );
      seconds[k] = (seconds[k] ?? 0) + Number(process.hrtime.bigint() - started) / 1e9;
    }
  }
  return Object.fromEntries(
    Object.keys(ops).map(k => {
      const sorted = latencies[k].sort((x, y) => x - y);
      return [k, { perSecond: sorted.length / seconds[k], p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) }];
    }),
  ) as Record<string, Measured>;
}

/** (a), (b), (d), (e) of one browser, as operations for {@link interleaved}, and how to close them. */
async function browserVariants(executablePath: string, html: string, name: string) {
  const headless = chromiumKind(executablePath) === 'headless-shell' ? ('shell' as const) : true;
  // (a) our pool, default concurrency: CPU cores
  const pool = new BrowserPool({ executablePath });
  const renderer = new PdfRenderer(pool);
  await renderer.render(html, { format: 'A4', title: 'warm-up' });
  // (d) the floor: one reused page, setContent + pdf, nothing else; requests take turns on it.
  // (e) the same with the print call our renderer makes (the PDF in the answer, not a stream).
  const browser = await puppeteer.launch({ executablePath, headless, args: CHROMIUM_ARGS });
  const page: Page = await browser.newPage();
  const session = await page.createCDPSession();
  await page.setContent(html);
  let turn = Promise.resolve();
  const floor = (print: () => Promise<unknown>) => () => {
    const mine = turn.then(async () => {
      await page.setContent(html, { waitUntil: 'load' });
      await print();
    });
    turn = mine.catch(() => {});
    return mine;
  };
  const ops: Record<string, () => Promise<unknown>> = {
    [`${name} a`]: () => renderer.render(html, { format: 'A4', title: 'Service overview' }),
    // (b) naive: launch Chromium for every PDF
    [`${name} b`]: async () => {
      const naive = await puppeteer.launch({ executablePath, headless, args: CHROMIUM_ARGS });
      try {
        const p = await naive.newPage();
        await p.setContent(html, { waitUntil: 'load' });
        await p.pdf({ format: 'A4', printBackground: true });
      } finally {
        await naive.close();
      }
    },
    [`${name} d`]: floor(() => page.pdf({ format: 'A4', printBackground: true })),
    [`${name} e`]: floor(() =>
      session.send('Page.printToPDF', { paperWidth: 8.27, paperHeight: 11.7, printBackground: true, generateTaggedPDF: true, generateDocumentOutline: true, transferMode: 'ReturnAsBase64' }),
    ),
  };
  return { ops, close: async () => Promise.all([pool.close(), browser.close()]) };
}

const row = (name: string, r: Measured) =>
  `  ${name.padEnd(36)} ${r.perSecond.toFixed(2).padStart(6)} PDFs/s   p50 ${r.p50.toFixed(0).padStart(5)} ms   p95 ${r.p95.toFixed(0).padStart(5)} ms`;
const goal = (name: string, value: number, ok: boolean, target: string) => `  ${name} ${value.toFixed(2)}x (goal ${target}) ${ok ? 'met' : 'NOT MET'}`;

async function main() {
  // Baseline (c) is the program being replaced: say how to get it rather than fail on ENOENT.
  await promisify(execFile)('wkhtmltopdf', ['--version']).catch(() => {
    throw new Error('wkhtmltopdf is not installed: it is baseline (c) of this benchmark (apt-get install wkhtmltopdf)');
  });
  const browsers = [
    ['Chromium headless shell', detectHeadlessShell()],
    ['full Chromium', detectFullChromium()],
  ].filter((b): b is [string, string] => b[1] !== undefined);
  if (!browsers.length) throw new Error('needs Chromium: apt-get install chromium-headless-shell chromium');
  const templates = createTemplates(() => BUILTIN_SECTIONS);
  const html = await templates.get('service-overview')!.build({ entity, credentials: {} as any, getEntity: async () => undefined, signal: new AbortController().signal });
  console.log(`Service overview HTML: ${Math.round(html.length / 1024)} KiB; ${os.cpus().length} CPU cores; ${N} PDFs per run (${NAIVE_N} for the naive launch)`);

  const wkhtmltopdf = async () => {
    // (c) wkhtmltopdf, HTML on stdin, PDF on stdout
    const child = run('wkhtmltopdf', ['--quiet', '--page-size', 'A4', '--disable-javascript', '--disable-local-file-access', '-', '-'], {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    child.child.stdin!.end(html);
    await child;
  };
  const variants = await Promise.all(browsers.map(([name, path]) => browserVariants(path, html, name)));
  const ops = Object.assign({ c: wkhtmltopdf }, ...variants.map(v => v.ops));
  const total = Object.fromEntries(Object.keys(ops).map(k => [k, k.endsWith(' b') ? NAIVE_N : N]));
  for (const concurrency of [1, 4]) {
    const r = await interleaved(ops, total, concurrency);
    console.log(`\n${concurrency} concurrent request${concurrency > 1 ? 's' : ''}`);
    console.log(row(label.c, r.c));
    for (const [name, path] of browsers) {
      const [a, b, d, e] = (['a', 'b', 'd', 'e'] as const).map(k => r[`${name} ${k}`]);
      console.log(` ${name} (${path})`);
      for (const [k, m] of [['a', a], ['b', b], ['d', d], ['e', e]] as const) console.log(row(label[k], m));
      const needed = concurrency === 1 ? 4 : 2.5;
      console.log(goal('(a)/(b) throughput', a.perSecond / b.perSecond, a.perSecond / b.perSecond >= 8, '>= 8'));
      console.log(goal('(a)/(c) throughput', a.perSecond / r.c.perSecond, a.perSecond / r.c.perSecond >= needed, `>= ${needed}`));
      console.log(goal('(d)/(a) throughput', d.perSecond / a.perSecond, d.perSecond / a.perSecond <= 1.15, '<= 1.15'));
      console.log(`  (e)/(a) throughput ${(e.perSecond / a.perSecond).toFixed(2)}x (the pool over the floor with its own print call)`);
    }
  }
  await Promise.all(variants.map(v => v.close()));

  // 100 queued jobs, Chromium killed after 30 are done: every job still completes.
  const knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  const queue = await ReportQueue.create({ knex, migrationsDirectory: resolve(__dirname, '../plugins/reports-backend/migrations'), maxQueued: 1000, maxQueuedPerUser: 1000 });
  const chromium = detectChromium()!; // what the plugin renders with
  const pool = new BrowserPool({ executablePath: chromium, concurrency: 4 });
  const worker = new ReportWorker({
    queue, renderer: new PdfRenderer(pool), templates, logger: silent, concurrency: 4, timeoutMs: 60_000, maxAttempts: 3, pollMs: 20,
    context: async (_job, _requester, signal) => ({ entity, credentials: {} as any, getEntity: async () => undefined, signal }),
  });
  for (let i = 0; i < 100; i++) await queue.enqueue({ entityRef: 'component:default/stacktalk-report-service', template: 'service-overview', format: 'A4', createdBy: 'bench' });
  const t0 = Date.now();
  await worker.start();
  const jobs = () => queue.list('component:default/stacktalk-report-service', 200);
  while ((await jobs()).filter(j => j.status === 'done').length < 30) await new Promise(r => setTimeout(r, 20));
  const killed = (await pool.pid())!;
  const killedExe = readlinkSync(`/proc/${killed}/exe`);
  process.kill(killed, 'SIGKILL');
  while ((await jobs()).some(j => j.status === 'queued' || j.status === 'rendering')) await new Promise(r => setTimeout(r, 50));
  await worker.stop();
  const final = await jobs();
  console.log(`\nChromium (pid ${killed}, ${killedExe}) killed after 30 of 100 queued jobs: ${final.filter(j => j.status === 'done').length} done, ${final.filter(j => j.status === 'failed').length} failed, ${final.filter(j => j.attempts > 1).length} retried, Chromium launched ${pool.stats.launches} times (now pid ${await pool.pid()}), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await pool.close();
  await knex.destroy();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
