import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { keepScreenshot } from './screenshots';

// The guest signs in as ada.okafor (platform team), who owns stacktalk-edge-nginx and not voice-gateway.
const OWNED = '/catalog/default/component/stacktalk-edge-nginx/secrets';
const NOT_OWNED = '/catalog/default/component/voice-gateway/secrets';
const VALUE = 'postgres://edge:e2e-Val"ue$1@db-dev:5432/edge';

test.describe.configure({ mode: 'serial' });

test.describe('Secrets tab', () => {
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  });
  test.afterAll(async () => page.close());

  test('an owner creates a secret in development, reveals it and sees it missing in staging', async () => {
    await page.goto(OWNED);
    await expect(page.getByText('No secrets yet')).toBeVisible();
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Secret name').fill('database_url'); // upper-cased as typed
    await expect(page.getByLabel('Secret name')).toHaveValue('DATABASE_URL');
    await page.getByLabel('Secret value').fill(VALUE);
    await page.getByLabel('Description', { exact: true }).fill('Edge config database');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('DATABASE_URL saved in development')).toBeVisible();

    await expect(page.getByLabel('DATABASE_URL in staging: missing')).toBeVisible();
    await expect(page.getByText(/missing in some environments: DATABASE_URL \(staging, production\)/)).toBeVisible();
    // The value is masked until revealed, then hides itself again.
    await expect(page.getByText(VALUE)).toHaveCount(0);
    await page.getByRole('button', { name: 'Reveal DATABASE_URL in development' }).click();
    await expect(page.getByLabel('Revealed value')).toHaveText(VALUE);
    await keepScreenshot(page, 'secrets-01-owner-revealed', 'plugins/secrets/docs/secrets-tab.png');
    await expect(page.getByLabel('Revealed value')).toHaveCount(0, { timeout: 15_000 });
    // Production is the admins' business: no reveal or write there for an owner.
    await expect(page.getByRole('button', { name: 'Add DATABASE_URL in production' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Add DATABASE_URL in staging' })).toBeVisible();
  });

  test('the owner exports development (systemd EnvironmentFile), and the audit log records reveal and export', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export development' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('stacktalk-edge-nginx.development.systemd.env');
    const body = readFileSync((await file.path())!, 'utf8');
    expect(body).toContain('DATABASE_URL="postgres://edge:e2e-Val\\"ue\\$1@db-dev:5432/edge"');

    await page.getByRole('tab', { name: 'Audit log' }).click();
    const audit = page.getByRole('table').filter({ hasText: 'ada.okafor' });
    await expect(audit.getByText('export', { exact: true })).toBeVisible();
    await expect(audit.getByText('reveal', { exact: true })).toBeVisible();
    await expect(audit.getByText('write', { exact: true })).toBeVisible();
    await keepScreenshot(page, 'secrets-02-audit');
  });

  test('a non-owner sees no secrets and no buttons', async () => {
    await page.goto(NOT_OWNED);
    await expect(page.getByText("No access to this entity's secrets")).toBeVisible();
    await expect(page.getByRole('button', { name: 'New secret' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Export/ })).toHaveCount(0);
    await expect(page.getByRole('table')).toHaveCount(0);
    await keepScreenshot(page, 'secrets-03-non-owner');
  });
});
