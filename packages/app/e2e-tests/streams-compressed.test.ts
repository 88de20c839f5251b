import { execFileSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { keepScreenshot } from './screenshots';

// scripts/e2e.sh runs the demo producer (examples/streams-demo): the mock Kafka broker on
// 127.0.0.1:19092, every catalog topic fed uncompressed at a modest rate by kafkajs. Here a
// producer that is not kafkajs — kcat (librdkafka) — adds lz4, zstd and snappy batches to one of
// those topics, as the fleet's Python and Go services do: the Streams tab stays live and counts
// them. Before the codecs, the first lz4 batch put the view into "reconnecting: LZ4 compression
// not implemented" for ever.
const TOPIC = 'stacktalk.reports.completed';
const RESOURCE =
  '/catalog/default/resource/stacktalk-reports-completed/streams';
const BROKER = process.env.STREAMS_DEMO_BROKER ?? '127.0.0.1:19092';
const BATCH = 400;

/** `BATCH` messages of `codec` in one batch per call, from kcat. */
function produce(codec: string) {
  const now = Date.now();
  const lines = Array.from(
    { length: BATCH },
    (_, i) =>
      `{"report_id":"kcat-${codec}-${i}","render_ms":${
        100 + (i % 50)
      },"pages":${1 + (i % 9)},"ts":${now}}`,
  );
  execFileSync(
    'kcat',
    ['-P', '-b', BROKER, '-t', TOPIC, '-p', '0', '-z', codec],
    { input: `${lines.join('\n')}\n` },
  );
}

/** A number of the caption `N in window · N read · N undecodable`. */
const counted = async (page: Page, what: 'read' | 'undecodable') => {
  const text = await page
    .getByText(/ read · /)
    .first()
    .textContent();
  return Number(
    new RegExp(`([\\d,]+) ${what}`).exec(text ?? '')?.[1].replace(/,/g, ''),
  );
};

test.describe('Streams tab: a topic with compressed batches from a non-kafkajs producer', () => {
  test('stays live and counts every lz4, zstd and snappy message', async ({
    page,
  }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
    await page.goto(RESOURCE);
    await expect(page.getByLabel('Connection: live')).toBeVisible({
      timeout: 60_000,
    });
    await page.locator('#stream-start').click();
    await page.getByRole('option', { name: 'Live (from now)' }).click();
    await expect(page.getByLabel('Connection: live')).toBeVisible({
      timeout: 30_000,
    });
    const before = await counted(page, 'read');
    for (const codec of ['lz4', 'zstd', 'snappy']) produce(codec);
    // 1,200 compressed messages on top of the demo's few per second, within seconds.
    await expect
      .poll(() => counted(page, 'read'), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(before + 3 * BATCH);
    await expect(page.getByLabel('Connection: live')).toBeVisible();
    expect(await counted(page, 'undecodable')).toBe(0);
    await expect(
      page.getByText(/could not be decoded|compression not implemented/),
    ).toHaveCount(0);
    // The rate chart shows the burst.
    await page.waitForTimeout(1500);
    await keepScreenshot(page, 'streams-04-compressed-topic-live');
  });
});
