import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/** The Plugins page's installs end to end (scripts/e2e-plugins.sh): a supervised portal on :7037. */
export default defineConfig({
  ...base,
  testDir: 'packages/app/e2e-plugins',
  // Each change restarts the backend (about a minute from sources on this machine).
  timeout: 600_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-plugins.json' }]],
  outputDir: 'test-results/e2e-plugins-artifacts',
  use: { ...base.use, baseURL: process.env.PORTAL_URL ?? 'http://localhost:7037' },
});
