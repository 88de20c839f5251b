import { test, expect, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { keepScreenshot } from './screenshots';

// Issue 18 as a newcomer meets the portal: the development sign-in as any example user, admin
// entries only for admins, TechDocs tabs only where docs exist, a system's APIs, the Catalog Graph,
// search without noise, and docs that do not nag about a "newer version".

const REPORT_SERVICE = '/catalog/default/component/stacktalk-report-service';
const E2E_DATA = process.env.E2E_DATA ?? resolve(__dirname, '../../../data-e2e');
const REPORT_DOCS_METADATA = resolve(E2E_DATA, 'techdocs/default/component/stacktalk-report-service/techdocs_metadata.json');

function sidebarLink(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name, exact: true });
}

async function signInAs(browser: Browser, displayName?: string) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto('/');
  if (displayName) {
    await page.getByRole('button', { name: `Sign in as ${displayName}` }).click();
  } else {
    await page.getByRole('button', { name: 'Enter' }).click();
  }
  await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  return page;
}

test.describe.configure({ mode: 'serial' });

test.describe('the portal as a newcomer meets it', () => {
  test('the development sign-in page lists every example user with their groups', async ({ browser }) => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto('/');
    await expect(page.getByText('Sign in as an example user')).toBeVisible();
    const bruno = page.getByLabel('Example user bruno.silva');
    await expect(bruno.getByText('Bruno Silva')).toBeVisible();
    await expect(bruno.getByText('Secrets administrators')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Enter' })).toBeVisible();
    await keepScreenshot(page, '18-01-sign-in-as-example-user', 'docs/images/sign-in-example-users.png');
    await page.close();
  });

  test('an administrator sees Secrets admin in the sidebar; the guest (not an admin) does not', async ({ browser }) => {
    const bruno = await signInAs(browser, 'Bruno Silva');
    await expect(sidebarLink(bruno, 'Secrets admin')).toBeVisible();
    await bruno.goto('/settings');
    await expect(bruno.getByText('bruno.silva').first()).toBeVisible();
    await keepScreenshot(bruno, '18-02-signed-in-as-admin');
    // Sign out brings the list back (the choice is forgotten).
    await bruno.getByRole('button', { name: 'more' }).first().click();
    await bruno.getByRole('menuitem', { name: /Sign Out/i }).click();
    await expect(bruno.getByText('Sign in as an example user')).toBeVisible();
    await bruno.close();

    const ada = await signInAs(browser);
    await expect(sidebarLink(ada, 'Catalog')).toBeVisible();
    await expect(sidebarLink(ada, 'Reports')).toBeVisible();
    await expect(sidebarLink(ada, 'Secrets admin')).toHaveCount(0);
    await keepScreenshot(ada, '18-03-guest-sidebar-without-admin');
    await ada.close();
  });

  test.describe('signed in as the guest', () => {
    let page: Page;
    test.beforeAll(async ({ browser }) => {
      page = await signInAs(browser);
    });
    test.afterAll(async () => page.close());

    test('no TechDocs tab on entities without docs; a component with docs keeps it', async () => {
      for (const path of [
        '/catalog/default/group/platform',
        '/catalog/default/user/ada.okafor',
        '/catalog/default/system/stacktalk',
        '/catalog/default/api/stacktalk-report-api',
      ]) {
        await page.goto(path);
        await expect(page.getByText('Overview', { exact: true }).first()).toBeVisible();
        await expect(page.getByText('TechDocs', { exact: true })).toHaveCount(0);
      }
      await keepScreenshot(page, '18-04-api-without-techdocs-tab');
      await page.goto(REPORT_SERVICE);
      await expect(page.getByText('TechDocs', { exact: true }).first()).toBeVisible();
    });

    test('the StackTalk system page has a title and lists its APIs', async () => {
      await page.goto('/catalog/default/system/stacktalk');
      await expect(page.getByRole('heading', { name: 'StackTalk', exact: true }).first()).toBeVisible();
      // The stock "APIs" card (plugin-api-docs), which by default is on components only.
      await expect(page.getByText('APIs', { exact: true }).first()).toBeVisible();
      await expect(page.getByRole('link', { name: 'StackTalk Report API' }).first()).toBeVisible();
      await keepScreenshot(page, '18-05-system-apis');
    });

    test('the sidebar Catalog Graph opens on the systems, not blank', async () => {
      await page.goto('/');
      await sidebarLink(page, 'Catalog Graph').click();
      const graph = page.locator('svg#dependency-graph, svg[class*="graph"], svg').filter({ hasText: 'stacktalk' }).first();
      await expect(graph).toBeVisible();
      await expect(graph.getByText(/promptpulse/i).first()).toBeVisible();
      await keepScreenshot(page, '18-06-catalog-graph');
    });

    test('an exact phrase finds its one docs section, once', async () => {
      await expect(async () => {
        await page.goto('/search?query=obsidian-ledger%20reconciliation');
        await expect(page.getByText(/obsidian-ledger reconciliation/i).first()).toBeVisible({ timeout: 3_000 });
      }).toPass({ timeout: 150_000, intervals: [3_000] });
      // One result in all: the runbook's section (stock search: the whole page too, and fuzzy matches).
      await expect(page.getByRole('link', { name: /Nightly reconciliation/ })).toHaveCount(1);
      await expect(page.getByRole('link', { name: /^Runbook/ })).toHaveCount(0);
      await expect(page.getByText('1 results')).toHaveCount(2); // "All" and "Documentation"
      await keepScreenshot(page, '18-07-search-exact-phrase');
    });

    test('unchanged docs are not rebuilt across two warm-up cycles and show no "newer version" banner', async () => {
      test.setTimeout(240_000);
      await page.goto(`${REPORT_SERVICE}/docs`);
      const docs = page.locator('[data-testid="techdocs-native-shadowroot"]');
      await expect(docs.getByRole('heading', { name: 'StackTalk Report Service', level: 1 })).toBeVisible({ timeout: 120_000 });
      const builtAt = () => JSON.parse(readFileSync(REPORT_DOCS_METADATA, 'utf8')).build_timestamp as number;
      const first = builtAt();
      // TechDocs checks a site at most once a minute; the e2e warm-up runs every 15 s. 80 s
      // covers two checks of this site by the warm-up.
      for (let visit = 0; visit < 4; visit++) {
        await page.waitForTimeout(20_000);
        await page.reload();
        await expect(docs.getByRole('heading', { name: 'StackTalk Report Service', level: 1 })).toBeVisible();
        await page.waitForTimeout(3_000); // the reader's own sync answers within a few seconds
        await expect(page.getByText(/A newer version of this documentation/)).toHaveCount(0);
      }
      expect(builtAt()).toBe(first);
      await keepScreenshot(page, '18-08-docs-without-banner');
    });
  });
});
