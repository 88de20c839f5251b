import { defineConfig } from '@playwright/test';
import { HEADLESS_CHROMIUM_ARGS } from './plugins/reports-backend/src/service/chromiumArgs';

/**
 * End-to-end tests run in Debian's Chromium (Playwright's own browser downloads are not
 * reachable here) against the built portal that scripts/test.sh starts on :7007.
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  outputDir: 'test-results/e2e-artifacts',
  use: {
    baseURL: process.env.PORTAL_URL ?? 'http://localhost:7007',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: HEADLESS_CHROMIUM_ARGS,
    },
  },
});
