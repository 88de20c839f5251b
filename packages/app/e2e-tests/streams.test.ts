import { test, expect, type Page, type Locator } from '@playwright/test';
import { keepScreenshot } from './screenshots';

// scripts/e2e.sh runs the demo producer (examples/streams-demo) next to the portal: the mock
// Kafka broker on 127.0.0.1:19092 and the node-svc Redis, fed at a modest rate.
// The guest is ada.okafor (platform): owner of the edge access-log stream, not of the
// streaming team's Kafka topics.
const OWNED = '/catalog/default/component/stacktalk-edge-nginx/streams';
const NOT_OWNED =
  '/catalog/default/component/stacktalk-metrics-aggregator/streams';

test.describe.configure({ mode: 'serial' });

const points = async (chart: Locator) =>
  Number(await chart.getAttribute('data-points'));
const lastAt = async (chart: Locator) =>
  Number(await chart.getAttribute('data-last-at'));

test.describe('Streams tab', () => {
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  });
  test.afterAll(async () => page.close());

  test('a chart fills with live points from the demo producer, and the owner sees the messages', async () => {
    await page.goto(OWNED);
    await expect(page.getByLabel('Connection: live')).toBeVisible({
      timeout: 60_000,
    });
    const chart = page.locator('[data-points]').first();
    await expect
      .poll(() => points(chart), { timeout: 30_000 })
      .toBeGreaterThan(5); // the last 5 minutes, read back
    await keepScreenshot(page, 'streams-01-last-5-minutes');
    // From now on only: the chart starts empty and fills with what the producer sends.
    await page.locator('#stream-start').click();
    await page.getByRole('option', { name: 'Live (from now)' }).click();
    await expect
      .poll(() => points(chart), { timeout: 15_000 })
      .toBeLessThan(40);
    const early = await points(chart);
    await expect
      .poll(() => points(chart), { timeout: 30_000 })
      .toBeGreaterThan(early + 20);
    const newest = Number(await chart.getAttribute('data-newest'));
    await expect
      .poll(async () => Number(await chart.getAttribute('data-newest')), {
        timeout: 15_000,
      })
      .toBeGreaterThan(newest);
    const latest = page.getByRole('table', { name: 'Latest messages' });
    await expect(latest).toBeVisible();
    // Payloads are one truncated line until a row is opened: then the whole message, pretty-printed.
    await latest
      .getByRole('button', { name: /^Expand / })
      .first()
      .click();
    await expect(page.getByLabel(/^Payload of /)).toContainText(
      '"duration_ms":',
    );
    await keepScreenshot(
      page,
      'streams-02-live-owner',
      'plugins/stream-viewer/docs/streams-tab.png',
    );
  });

  test('pausing stops the updates and resuming continues them', async () => {
    const chart = page.locator('[data-points]').first();
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible(); // the pause is on screen
    const frozen = await lastAt(chart);
    await page.waitForTimeout(2500);
    expect(await lastAt(chart)).toBe(frozen);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect
      .poll(() => lastAt(chart), { timeout: 15_000 })
      .toBeGreaterThan(frozen);
  });

  test('a user without payload permission sees the rates and partition rates of a Kafka topic, and no payloads, field charts or filter', async () => {
    await page.goto(NOT_OWNED);
    await expect(page.getByLabel('Connection: live')).toBeVisible({
      timeout: 60_000,
    });
    const chart = page.locator('[data-points]').first();
    await expect
      .poll(() => points(chart), { timeout: 30_000 })
      .toBeGreaterThan(5);
    await expect(
      page.getByText(
        /You can see the rates of this stream but not its messages: only the owners of/,
      ),
    ).toBeVisible();
    // Filters and field charts read contents too (issue 17): neither is offered.
    await expect(page.getByLabel('Filter')).toHaveCount(0);
    await expect(
      page.getByText(/Filters and field charts read message contents/),
    ).toBeVisible();
    await expect(
      page.getByRole('table', { name: 'Latest messages' }),
    ).toHaveCount(0);
    await expect(page.getByText(/trace_id|duration_ms":/)).toHaveCount(0);
    await keepScreenshot(
      page,
      'streams-03-kafka-no-payloads',
      'plugins/stream-viewer/docs/streams-kafka.png',
    );
  });
});
