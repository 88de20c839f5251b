import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/** Keycloak sign-in end to end (scripts/e2e-keycloak.sh): the portal on :7027, the fixture Keycloak on :7090. */
export default defineConfig({
  ...base,
  testDir: 'packages/app/e2e-keycloak',
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-keycloak.json' }]],
  outputDir: 'test-results/e2e-keycloak-artifacts',
  use: { ...base.use, baseURL: process.env.PORTAL_URL ?? 'http://localhost:7027' },
});
