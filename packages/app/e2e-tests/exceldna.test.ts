import { test, expect, type Page } from '@playwright/test';
import { haveExcelDnaFixtures, exceldnaFixturesDir } from '@stacktalk/plugin-exceldna-node/testUtils';
import { keepScreenshot } from './screenshots';

/**
 * The Excel add-in tab of stacktalk-excel-addin, fed from GitHub: the fixture GitHub API
 * (examples/fixtures/github-api, started by scripts/e2e.sh with --exceldna-addins) serves real
 * add-ins built at its start from the official Excel-DNA loaders in ../shared/fixtures/exceldna
 * as the artifacts of build-addin.yml: the newest successful run packed, signed, x86 and x64
 * (ready), the one before packed but unsigned (blocked); older runs' artifacts are expired.
 * The backend's scheduled GitHub sync (run at once when the tab asks about a never-synced
 * component; the tab shows "Syncing builds from GitHub…" and asks again) lists the runs, downloads
 * the artifact zips and inspects the .xll files in them.
 */
const ENTITY = '/catalog/default/component/stacktalk-excel-addin';
const GITHUB = `http://127.0.0.1:${process.env.GITHUB_FIXTURE_PORT ?? 7081}`;

test.describe.configure({ mode: 'serial' });

test.describe('Excel add-in tab', () => {
  test.skip(!haveExcelDnaFixtures(), `the Excel-DNA fixtures are absent from ${exceldnaFixturesDir}`);
  let page: Page;
  let readyVersion: string;
  let blockedVersion: string;

  test.beforeAll(async ({ browser, request }) => {
    // the two runs, as the portal will see them (version "#run_number")
    const res = await request.get(`${GITHUB}/repos/stacktalk/stacktalk-excel-addin/actions/workflows/build-addin.yml/runs?status=success&per_page=2`, {
      headers: { authorization: 'token fixture-e2e' },
    });
    expect(res.status(), await res.text()).toBe(200);
    const runs = (await res.json()).workflow_runs as Array<{ run_number: number }>;
    [readyVersion, blockedVersion] = runs.map(r => `#${r.run_number}`);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  });
  test.afterAll(async () => page?.close());

  test('shows the ready signed build and the blocked unsigned one, with the packed contents', async () => {
    await page.goto(`${ENTITY}/excel-addin`);
    await expect(page.getByText('Excel add-in builds')).toBeVisible();
    const ready = page.getByRole('row').filter({ hasText: readyVersion });
    const blocked = page.getByRole('row').filter({ hasText: blockedVersion });
    await expect(page.getByRole('row').filter({ hasText: 'github' })).toHaveCount(2); // no other GitHub build (older artifacts expired)
    await expect(ready.getByRole('link', { name: 'github' })).toBeVisible();
    await expect(ready.getByText('ready for release')).toBeVisible();
    await expect(page.getByText(/GitHub builds synced — last synced/)).toBeVisible();
    await expect(ready.getByText('x86')).toBeVisible();
    await expect(ready.getByText('x64')).toBeVisible();
    await expect(ready.getByText('signed, valid')).toHaveCount(2);
    await expect(blocked.getByText('blocked')).toBeVisible();
    await expect(blocked.getByText('unsigned')).toHaveCount(2);

    await ready.getByRole('button').first().click(); // the row's detail panel
    await expect(page.getByText('Packed contents').first()).toBeVisible();
    await expect(page.getByRole('cell', { name: 'STACKTALK.ADDIN' }).first()).toBeVisible();
    await expect(page.getByRole('cell', { name: 'EXCELDNA.LOADER' }).first()).toBeVisible();
    await expect(page.getByText(/\.dna: StackTalk Pricing/).first()).toBeVisible();
    await keepScreenshot(page, 'exceldna-tab');

    await blocked.getByRole('button').first().click();
    await expect(page.getByText('Why it is blocked').first()).toBeVisible();
    await expect(page.getByText('not signed').first()).toBeVisible();
  });

  test("the overview card shows the latest build's readiness", async () => {
    await page.goto(ENTITY);
    await expect(page.getByText('Excel add-in release')).toBeVisible();
  });
});
