/* eslint-disable no-console */
/**
 * Figure 5 of the stream viewer benchmark: Chromium's main-thread time per chart update on the
 * Streams tab of a running portal while its stream is fed fast (e.g. `npm run demo:streams --
 * --rate-of stacktalk.telemetry.raw=20000`). Traced with the DevTools timeline: every task on
 * the renderer's main thread, divided by the snapshots the page drew (the charts'
 * `data-last-at` changes), in thread time (the page's own work) and in wall time (which adds
 * the time the renderer waited for a core).
 */
import { chromium } from 'playwright-core';
import { percentile } from './lib';
import { HEADLESS_CHROMIUM_ARGS } from '../plugins/reports-backend/src/service/chromiumArgs';

export async function browserBench(
  portal: string,
  entity: string,
  seconds: number,
) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: HEADLESS_CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
    });
    await page.goto(portal);
    await page.getByRole('button', { name: 'Enter' }).click();
    // Signed in once the home page shows (a navigation before that lands on the sign-in page).
    await page
      .getByText('Welcome to StackTalk Portal')
      .waitFor({ timeout: 60_000 });
    await page.goto(`${portal}/catalog/default/${entity}/streams`);
    await page
      .locator('[data-last-at]')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async error => {
        await page.screenshot({
          path: 'test-results/bench-streams-browser-failed.png',
        });
        throw new Error(
          `the Streams tab showed no chart (see test-results/bench-streams-browser-failed.png): ${error.message}`,
        );
      });
    await page.waitForTimeout(3000); // the history is drawn, steady state
    // Count the updates the page drew: the chart's snapshot time changes once per update.
    await page.evaluate(() => {
      const w = window as any;
      w.__updates = 0;
      let last = '';
      const chart = document.querySelector('[data-last-at]')!;
      new MutationObserver(() => {
        const at = chart.getAttribute('data-last-at') ?? '';
        if (at !== last) {
          last = at;
          w.__updates++;
        }
      }).observe(chart, {
        attributes: true,
        attributeFilter: ['data-last-at'],
      });
    });
    const cdp = await page.context().newCDPSession(page);
    const events: any[] = [];
    cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
    await cdp.send('Tracing.start', {
      categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
      transferMode: 'ReportEvents',
    });
    await page.waitForTimeout(seconds * 1000);
    const finished = new Promise(resolve =>
      cdp.once('Tracing.tracingComplete', resolve),
    );
    await cdp.send('Tracing.end');
    await finished;
    const updates: number = await page.evaluate(
      () => (window as any).__updates,
    );
    const points = await page
      .locator('[data-points]')
      .first()
      .getAttribute('data-points');

    // The renderer main thread: the thread named CrRendererMain of the page's process.
    const main = events.find(
      e => e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
    );
    const onMain = events.filter(
      e => e.ph === 'X' && e.pid === main?.pid && e.tid === main?.tid,
    );
    const runTasks = onMain.filter(e => e.name === 'RunTask');
    const tasks = runTasks.map(e => e.dur / 1000).sort((a, b) => a - b);
    // What the long tasks spend their time on: their direct children by event name.
    const longTasks = runTasks.filter(e => e.dur > 16_000);
    const inLong = new Map<string, number>();
    for (const task of longTasks) {
      const children = onMain
        .filter(
          e =>
            e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur,
        )
        .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
      let reach = 0;
      for (const e of children) {
        if (e.ts < reach) continue; // nested in a sibling counted already
        reach = e.ts + e.dur;
        inLong.set(e.name, (inLong.get(e.name) ?? 0) + e.dur / 1000);
      }
    }
    // Wall time includes the time the renderer waited for a core: on the benchmark machine the
    // broker, the producer and the portal's backend share its two cores with Chromium. Thread
    // time is the page's own work.
    const cpu = runTasks
      .map(e => (e.tdur ?? e.dur) / 1000)
      .sort((a, b) => a - b);
    const busy = tasks.reduce((a, b) => a + b, 0);
    const cpuBusy = cpu.reduce((a, b) => a + b, 0);
    const summary = (xs: number[]) =>
      `p50 ${percentile(xs, 50)?.toFixed(1)} ms, p99 ${percentile(
        xs,
        99,
      )?.toFixed(1)} ms, max ${xs[xs.length - 1]?.toFixed(1)} ms, ${
        xs.filter(d => d > 16).length
      } of ${xs.length} over 16 ms`;
    const perUpdate = (ms: number) => (ms / Math.max(1, updates)).toFixed(1);
    console.log(
      `5. Chromium main thread over ${seconds} s on ${entity}: ${updates} chart updates (${(
        updates / seconds
      ).toFixed(1)}/s, ${points} points in the first chart)\n` +
        `   thread time (the page's own work): ${perUpdate(
          cpuBusy,
        )} ms per update; tasks ${summary(cpu)} (goal: none)\n` +
        `   wall time: ${perUpdate(busy)} ms per update; tasks ${summary(
          tasks,
        )}`,
    );
    if (longTasks.length)
      console.log(
        `   the wall-time tasks over 16 ms ran ${longTasks
          .map(e => `${(e.dur / 1000).toFixed(1)}`)
          .join(', ')} ms for ${longTasks
          .map(e => ((e.tdur ?? e.dur) / 1000).toFixed(1))
          .join(', ')} ms of thread time; in them: ${[...inLong]
          .sort((x, y) => y[1] - x[1])
          .slice(0, 6)
          .map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`)
          .join(', ')}`,
      );
  } finally {
    await browser.close();
  }
}
