import { test, expect, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { keepScreenshot } from './screenshots';

/**
 * CI status against the fixture GitHub API (examples/fixtures/github-api on :7081, started by
 * scripts/e2e.sh). The guest signs in as ada.okafor (platform), who owns stacktalk-edge-nginx
 * (repository stacktalk/stacktalk-edge).
 */
const GITHUB = process.env.GITHUB_FIXTURE_URL ?? 'http://127.0.0.1:7081';
const WEBHOOK_SECRET = 'stacktalk-dev-webhook-secret'; // app-config.yaml, development only
const ENTITY = '/catalog/default/component/stacktalk-edge-nginx';
const REPO = 'stacktalk/stacktalk-edge';

async function latestMainRun(): Promise<{ id: number }> {
  const res = await fetch(`${GITHUB}/repos/${REPO}/actions/runs?branch=main&per_page=1`, { headers: { authorization: 'token fixture-e2e' } });
  return (await res.json()).workflow_runs[0];
}

/** Changes the run on the "GitHub" side and sends GitHub's signed webhook to the portal. */
async function githubChangesRun(page: Page, id: number, conclusion: 'success' | 'failure') {
  const change = await fetch(`${GITHUB}/_fixture/runs/${REPO}/${id}`, { method: 'POST', body: JSON.stringify({ status: 'completed', conclusion }) });
  const { run } = await change.json();
  const body = JSON.stringify({ action: 'completed', workflow_run: run, repository: { full_name: REPO } });
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  const res = await page.request.post('/api/ci-status/webhook', {
    headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-hub-signature-256': signature },
    data: body,
  });
  expect(res.status()).toBe(200);
}

test.describe.configure({ mode: 'serial' });

test.describe('CI status', () => {
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  });
  test.afterAll(async () => page.close());

  test('the CI tab lists the runs from GitHub, opens a run with its jobs and the failing log lines', async () => {
    await page.goto(`${ENTITY}/ci`);
    await expect(page.getByText(/Workflow runs \(\d+\)/)).toBeVisible();
    await expect(page.getByText('stacktalk/stacktalk-edge · checked with GitHub')).toBeVisible();
    await expect(page.getByRole('link', { name: 'View on GitHub' }).first()).toHaveAttribute('href', /github\.com\/stacktalk\/stacktalk-edge\/actions\/runs\//);
    await keepScreenshot(page, 'ci-01-tab', 'plugins/ci-status/docs/ci-tab.png');

    await page.getByLabel('Status').click();
    await page.getByRole('option', { name: 'failure' }).click();
    await expect(page.locator('[data-testid=ci-run-status][data-state=success]')).toHaveCount(0);
    await page.getByTestId('ci-run-open').first().click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('ci-job-log')).toBeVisible();
    await expect(dialog.locator('[data-failing=true]').filter({ hasText: '##[error]Process completed with exit code 1.' })).toBeVisible();
    await expect(dialog.getByRole('link', { name: 'Full log on GitHub' })).toBeVisible();
    // Ada owns the component: she may re-run.
    await expect(dialog.getByRole('button', { name: 'Re-run failed jobs' })).toBeVisible();
    await keepScreenshot(page, 'ci-02-run-detail', 'plugins/ci-status/docs/ci-run-detail.png');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test("a signed webhook that fails a run turns the card's badge red without a reload", async () => {
    const run = await latestMainRun();
    await githubChangesRun(page, run.id, 'success');
    // A signal sent before the page has subscribed cannot reach it: the webhook waits until the
    // page's signals socket has asked for this repository's channel.
    let subscribed = false;
    page.on('websocket', socket =>
      socket.on('framesent', frame => {
        const sent = String(frame.payload);
        if (sent.includes('"subscribe"') && sent.includes(`ci-status:github.com/${REPO}`)) subscribed = true;
      }),
    );
    await page.goto(ENTITY);
    const card = page.getByTestId('ci-card');
    await expect(card.locator('[data-testid=ci-run-status]').first()).toHaveAttribute('data-state', 'success');
    await expect.poll(() => subscribed, { timeout: 30_000 }).toBe(true);
    await page.evaluate(() => ((window as any).__ciNoReload = true));
    await keepScreenshot(page, 'ci-03-card-green');

    await githubChangesRun(page, run.id, 'failure');
    await expect(card.locator('[data-testid=ci-run-status]').first()).toHaveAttribute('data-state', 'failure', { timeout: 10_000 });
    expect(await page.evaluate(() => (window as any).__ciNoReload)).toBe(true);
    await keepScreenshot(page, 'ci-04-card-red');
    // The card itself for the plugin's README (it sits low on the overview page).
    const cardBox = page.getByTestId('ci-card-frame');
    await cardBox.scrollIntoViewIfNeeded();
    await cardBox.screenshot({ path: resolve(__dirname, '../../../plugins/ci-status/docs/ci-card.png') });
  });

  test('the CI health page groups failing components by owner', async () => {
    await page.goto('/ci-health');
    await expect(page.getByTestId('ci-health-summary')).toContainText(/\d+ of \d+ components fail/);
    // Owners with failing components come first, each with its count.
    await expect(page.getByText(/— [1-9]\d* failing/).first()).toBeVisible();
    await expect(page.locator('[data-testid=ci-run-status][data-state=failure]').first()).toBeVisible();
    await keepScreenshot(page, 'ci-05-health', 'plugins/ci-status/docs/ci-health.png');
  });
});
