import { test, expect, type Page } from '@playwright/test';
import { keepScreenshot } from './screenshots';

const COMPONENT = '/catalog/default/component/stacktalk-report-service';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
}

function sidebarLink(page: Page, name: string) {
  // The nav element itself has no box (its drawer is fixed-positioned), so scope by its links.
  return page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name, exact: true }).last();
}

test.describe.configure({ mode: 'serial' });

test.describe('StackTalk Portal', () => {
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signInAsGuest(page);
  });
  test.afterAll(async () => page.close());

  test('guest sign-in lands on the home page with search, quick links and owned entities', async () => {
    await page.goto('/');
    await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Portal guide' }).first()).toBeVisible();
    await expect(page.getByText('Owned by you and your teams')).toBeVisible();
    // The guest acts as ada.okafor of the platform team, which owns the stacktalk system (title StackTalk).
    await expect(page.getByLabel('Owned entities').getByRole('link', { name: /^(StackTalk|stacktalk)$/ })).toBeVisible();
    // mkdocs and chromium are installed by the test set-up, so both features report available.
    await expect(page.getByText('TechDocs builds: available')).toBeVisible();
    await expect(page.getByText('Headless Chromium: available')).toBeVisible();
    await expect(page.getByPlaceholder('Search')).toBeVisible();
    for (const item of ['Home', 'Catalog', 'APIs', 'Docs']) {
      await expect(sidebarLink(page, item)).toBeVisible();
    }
    await keepScreenshot(page, '01-home', 'docs/images/portal-home.png');
  });

  test('catalog lists the example systems', async () => {
    await page.goto('/catalog?filters[kind]=system&filters[user]=all');
    // Systems show their titles (examples/*/system.yaml).
    for (const system of ['StackTalk', 'Voice Assistant', 'PromptPulse']) {
      await expect(page.getByRole('link', { name: system, exact: true }).first()).toBeVisible();
    }
    await keepScreenshot(page, '02-catalog-systems');
  });

  test('a component shows its owner and system', async () => {
    await page.goto(COMPONENT);
    await expect(page.getByRole('heading', { name: /Report service/ }).first()).toBeVisible();
    const about = page.locator('article, [class*="MuiCard"]').filter({ hasText: 'About' }).first();
    await expect(about.getByRole('link', { name: 'reporting' })).toBeVisible();
    await expect(about.getByRole('link', { name: 'StackTalk', exact: true })).toBeVisible();
    await keepScreenshot(page, '03-component-overview');
  });

  test('search finds the component by a phrase that is only in its docs', async () => {
    // Nobody has opened these docs yet: the techdocs-warmup plugin built them after start and
    // the collator indexed them (both run every few seconds in the e2e config).
    await expect(async () => {
      await page.goto('/search?query=obsidian-ledger');
      await expect(page.getByText(/obsidian-ledger reconciliation/i).first()).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 150_000, intervals: [3_000] });
    await expect(page.getByRole('link', { name: /Runbook|Report service/ }).first()).toBeVisible();
    await keepScreenshot(page, '04-search-docs-phrase');
  });

  test('the Docs tab renders the component TechDocs built by mkdocs', async () => {
    await page.goto(`${COMPONENT}/docs`);
    // First view builds the site with mkdocs; the reader then shows the built page.
    const docs = page.locator('[data-testid="techdocs-native-shadowroot"]');
    await expect(docs.getByRole('heading', { name: 'StackTalk Report Service', level: 1 })).toBeVisible({
      timeout: 120_000,
    });
    await expect(docs.getByRole('link', { name: 'Runbook' }).first()).toBeVisible();
    await expect(page.getByRole('progressbar')).toHaveCount(0);
    await keepScreenshot(page, '05-component-docs');
  });

  test('the Kubernetes tab lists pods from the fixture cluster', async () => {
    await page.goto(`${COMPONENT}/kubernetes`);
    await expect(page.getByText('doks-fixture').first()).toBeVisible();
    await page.getByText('doks-fixture').first().click();
    await expect(page.getByText(/stacktalk-report-service-[a-z0-9]+-[a-z0-9]+/).first()).toBeVisible();
    await keepScreenshot(page, '06-component-kubernetes');
  });
});
