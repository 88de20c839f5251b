import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
export const SCREENSHOT_DIR = resolve(ROOT, 'test-results/screenshots');

/** Keeps a full-page screenshot of a step as a test artifact (test-results/screenshots). */
export async function keepScreenshot(page: Page, name: string, alsoAt?: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  if (alsoAt) await page.screenshot({ path: resolve(ROOT, alsoAt) });
}
