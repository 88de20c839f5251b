import { test, expect, type Browser, type Page } from '@playwright/test';
import { keepScreenshot } from './screenshots';

// Issue 18, what a newcomer could not read: catalog and API tables at laptop widths, the demo's
// Kafka consumer groups, a live message that vanished while being read, misleading charts.
// scripts/e2e.sh runs the streams demo (examples/streams-demo) next to the portal.

/** The guest (ada.okafor), or an example user by display name (the development sign-in page). */
async function signIn(
  browser: Browser,
  width: number,
  height = 900,
  as?: string,
) {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto('/');
  await page
    .getByRole('button', { name: as ? `Sign in as ${as}` : 'Enter' })
    .click();
  await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  return page;
}

interface BrokenWord {
  word: string;
  column: number;
  lines: number;
  wordWidth: number;
  cellWidth: number;
}

/**
 * Every word in the visible table's body cells, measured in the browser: a word broken over
 * lines (between letters) has more than one line box; a word wider than its cell's content box
 * sticks out of it. Words are what a line breaker may not split: text between spaces, and
 * between a hyphen and the next letter (a hyphenated description may wrap after its hyphen);
 * names (the first column) must not break at their hyphens either.
 */
function brokenWords(page: Page): Promise<BrokenWord[]> {
  return page.evaluate(() => {
    const broken: BrokenWord[] = [];
    const rows = document.querySelectorAll('table tbody tr');
    rows.forEach(row => {
      Array.from(row.children).forEach((cell, column) => {
        const style = getComputedStyle(cell);
        const cellWidth =
          cell.clientWidth -
          parseFloat(style.paddingLeft) -
          parseFloat(style.paddingRight);
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          const pattern = column === 0 ? /\S+/g : /[^\s-]+-?/g;
          for (const match of text.matchAll(pattern)) {
            const range = document.createRange();
            range.setStart(node, match.index!);
            range.setEnd(node, match.index! + match[0].length);
            // Only what shows: a description is clamped to three lines, and the words after
            // its ellipsis are laid out but hidden.
            const clip = (
              node.parentElement?.closest('[data-description]') ?? cell
            ).getBoundingClientRect();
            const visible = Array.from(range.getClientRects()).filter(
              r =>
                r.width > 0 &&
                r.top >= clip.top - 1 &&
                r.bottom <= clip.bottom + 1,
            );
            // One box per line: Chrome reports the words of a clamped last line twice.
            const lines = new Map<number, { left: number; right: number }>();
            for (const r of visible) {
              const line = lines.get(Math.round(r.top));
              lines.set(Math.round(r.top), {
                left: Math.min(line?.left ?? r.left, r.left),
                right: Math.max(line?.right ?? r.right, r.right),
              });
            }
            const boxes = [...lines.values()];
            const wordWidth = boxes.reduce((w, r) => w + r.right - r.left, 0);
            if (boxes.length > 1 || wordWidth > cellWidth + 1)
              broken.push({
                word: match[0],
                column,
                lines: boxes.length,
                wordWidth: Math.round(wordWidth),
                cellWidth: Math.round(cellWidth),
              });
          }
        }
      });
    });
    return broken;
  });
}

const TABLES = [
  {
    name: 'components',
    url: '/catalog?filters[kind]=component&filters[user]=all',
  },
  {
    name: 'resources',
    url: '/catalog?filters[kind]=resource&filters[user]=all',
  },
  { name: 'systems', url: '/catalog?filters[kind]=system&filters[user]=all' },
  { name: 'groups', url: '/catalog?filters[kind]=group&filters[user]=all' },
  { name: 'users', url: '/catalog?filters[kind]=user&filters[user]=all' },
  { name: 'apis', url: '/api-docs' },
];

test.describe('readable tables', () => {
  for (const width of [1280, 1440]) {
    test(`no catalog or API table cell is narrower than its longest word at ${width} px`, async ({
      browser,
    }) => {
      const page = await signIn(browser, width);
      for (const table of TABLES) {
        await page.goto(table.url);
        const rows = page.locator('table tbody tr');
        // The first visit waits for the catalog's first processing of the example org.
        await expect(rows.nth(2)).toBeVisible({ timeout: 120_000 });
        const broken = await brokenWords(page);
        expect(broken, `${table.name} at ${width} px`).toEqual([]);
        // Descriptions show enough to tell entities apart: a cell of 240 px or more (215 inside its padding), up to
        // three lines (about 150 characters), not 15 characters.
        if (table.name !== 'users' && table.name !== 'groups') {
          const description = page.locator('[data-description]').first();
          await expect
            .poll(
              () => description.evaluate(e => e.getBoundingClientRect().width),
              {
                message: `${table.name}: description width`,
              },
            )
            .toBeGreaterThanOrEqual(215);
        }
        if (table.name === 'components' || table.name === 'apis')
          await keepScreenshot(page, `18-02-${table.name}-${width}`);
      }
      await page.close();
    });
  }
});

test.describe('streams a newcomer can read', () => {
  test('the demo consumer group of a Kafka topic shows, with lag above zero', async ({
    browser,
  }) => {
    const page = await signIn(browser, 1440, 1000);
    await page.goto(
      '/catalog/default/resource/stacktalk-telemetry-raw/streams',
    );
    const groups = page.getByLabel('Consumer groups', { exact: true });
    const row = groups.getByRole('row', {
      name: /stacktalk-metrics-aggregator/,
    });
    await expect(row).toBeVisible({ timeout: 60_000 });
    const lag = async () =>
      Number(
        (await row.getByRole('cell').nth(1).innerText()).replace(/\D/g, ''),
      );
    await expect.poll(lag, { timeout: 30_000 }).toBeGreaterThan(0);
    // All six partitions get messages: each has a high-water mark above zero.
    const partitions = page
      .getByLabel('Partitions', { exact: true })
      .locator('tbody tr');
    await expect(partitions).toHaveCount(6);
    for (const high of await partitions
      .locator('td:nth-child(3)')
      .allInnerTexts())
      expect(Number(high)).toBeGreaterThan(0);
    await groups.scrollIntoViewIfNeeded();
    await keepScreenshot(page, '18-04-consumer-group-lag');
    await page.close();
  });

  test('an opened message stays on screen through 10 s of live traffic, and the table says it holds', async ({
    browser,
  }) => {
    const page = await signIn(browser, 1440, 1000);
    await page.goto('/catalog/default/component/stacktalk-edge-nginx/streams');
    await expect(page.getByLabel('Connection: live')).toBeVisible({
      timeout: 60_000,
    });
    const latest = page.getByRole('table', { name: 'Latest messages' });
    const expand = latest.getByRole('button', { name: /^Expand / });
    await expect(expand.nth(20)).toBeAttached();
    // About 20 rows in view, not ~7: rows whose bottom is inside the table's scroll box.
    const inView = await latest.evaluate(table => {
      const box = table.parentElement!.getBoundingClientRect();
      return Array.from(table.querySelectorAll('tbody tr')).filter(
        r => r.getBoundingClientRect().bottom <= box.bottom,
      ).length;
    });
    expect(inView).toBeGreaterThanOrEqual(15);
    const id = (await expand.nth(2).getAttribute('aria-label'))!.replace(
      /^Expand /,
      '',
    );
    // Opened by its own button: the rows move ten times a second.
    await latest
      .getByRole('button', { name: `Expand ${id}`, exact: true })
      .click();
    const payload = page.getByLabel(`Payload of ${id}`);
    await expect(payload).toContainText('"duration_ms":');
    const text = await payload.innerText();
    const held = page.getByRole('status', { name: 'Table held' });
    await expect(held).toContainText('Held while a message is open');
    // Live traffic goes on (the demo sends 10 messages a second): newer messages are counted.
    await page.waitForTimeout(10_000);
    await expect(held).not.toContainText(': 0 newer');
    await expect(payload).toBeVisible();
    expect(await payload.innerText()).toBe(text);
    await keepScreenshot(page, '18-06-message-held');
    await page.getByRole('button', { name: 'Show newest' }).click();
    await expect(held).toHaveCount(0);
    await page.close();
  });

  test('charts fit their fields: status codes counted per value, quantities and rates from zero, no chart before history is read', async ({
    browser,
  }) => {
    // Field charts are for the stream's owners: Jules Martin is in streaming and reporting.
    const page = await signIn(browser, 1440, 1000, 'Jules Martin');
    // Sample the page from its first paint: while "Reading history" shows, no chart has points.
    await page.goto(
      '/catalog/default/resource/stacktalk-telemetry-raw/streams',
    );
    const samples = await page.evaluate(
      () =>
        new Promise<Array<{ reading: boolean; points: number }>>(resolve => {
          const out: Array<{ reading: boolean; points: number }> = [];
          const timer = setInterval(() => {
            const points = Array.from(
              // The stream's charts (the consumer-group lag chart is polled on its own).
              document.querySelectorAll(
                '[data-points]:not([aria-label="Consumer-group lag"])',
              ),
            ).reduce((n, e) => n + Number(e.getAttribute('data-points')), 0);
            out.push({
              reading: document.body.innerText.includes('Reading history'),
              points,
            });
          }, 50);
          setTimeout(() => {
            clearInterval(timer);
            resolve(out);
          }, 8000);
        }),
    );
    expect(samples.filter(s => s.reading && s.points > 0)).toEqual([]);
    const status = page.getByLabel('$.status', { exact: true });
    await expect(status).toHaveAttribute('data-chart', 'categories', {
      timeout: 30_000,
    });
    await expect(
      status.getByText('200', { exact: true }).first(),
    ).toBeVisible();
    await expect(
      page.getByLabel('$.duration_ms', { exact: true }),
    ).toHaveAttribute('data-chart', /line|range/);
    // The rate axis starts at zero.
    const rate = page.getByLabel('Messages per second', { exact: true });
    await expect
      .poll(async () => Number(await rate.getAttribute('data-points')), {
        timeout: 30_000,
      })
      .toBeGreaterThan(3);
    const zeroTick = (chart: typeof rate) =>
      chart
        .locator('.recharts-yAxis .recharts-cartesian-axis-tick-value')
        .filter({ hasText: /^0$/ });
    await expect(zeroTick(rate)).toHaveCount(1);
    await keepScreenshot(page, '18-08-charts-telemetry');

    // $.pages (1–40 per report) is a quantity: a line (range and median when dense), from zero.
    await page.goto(
      '/catalog/default/resource/stacktalk-reports-completed/streams',
    );
    const pages = page.getByLabel('$.pages', { exact: true });
    await expect
      .poll(async () => Number(await pages.getAttribute('data-points')), {
        timeout: 60_000,
      })
      .toBeGreaterThan(10);
    await expect(pages).toHaveAttribute('data-chart', /line|range/);
    await expect(zeroTick(pages)).toHaveCount(1);
    await keepScreenshot(page, '18-08-charts-pages');
    await page.close();
  });
});
