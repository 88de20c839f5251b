import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { keepScreenshot } from './screenshots';

test('a service overview is generated from the entity tab: progress, preview, then a PDF naming the entity and its owner', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();

  await page.goto('/catalog/default/component/stacktalk-report-service/reports');
  await expect(page.getByText('No reports generated for this entity yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Generate PDF' }).click();
  await expect(page.getByLabel('Report progress')).toBeVisible();
  await keepScreenshot(page, 'reports-01-progress');

  await expect(page.getByRole('button', { name: 'Download PDF' })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByAltText('First page preview')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Generate PDF' })).toBeEnabled();
  await keepScreenshot(page, 'reports-02-ready', 'plugins/reports/docs/reports-tab.png');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download PDF' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^stacktalk-report-service-service-overview-\d{4}-\d\d-\d\d\.pdf$/);
  const pdf = readFileSync((await file.path())!);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString();
  expect(text).toContain('Report service');
  expect(text).toContain('group:reporting');
  expect(text).toMatch(/Page 1 of \d/);

  // The history lists it as done.
  await expect(page.getByRole('table').getByText('done', { exact: true })).toBeVisible();

  // The Reports page lists it among the recent reports of all entities, naming its entity.
  await page.goto('/reports');
  const recent = page.getByRole('table');
  await expect(page.getByText('Recent reports')).toBeVisible();
  await expect(recent.getByRole('link', { name: /Report service/ })).toBeVisible();
  await expect(recent.getByText('Service overview')).toBeVisible();
  await keepScreenshot(page, 'reports-03-recent');
  await page.close();
});
