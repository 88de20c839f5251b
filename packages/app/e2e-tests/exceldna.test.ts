import { test, expect, type Page } from '@playwright/test';
import { buildAddIns, haveExcelDnaFixtures, exceldnaFixturesDir } from '@stacktalk/plugin-exceldna-node/testUtils';
import { keepScreenshot } from './screenshots';

/**
 * The Excel add-in tab of stacktalk-excel-addin. Two builds are pushed the way CI does (the upload
 * route, with the e2e's external-access token from app-config.e2e.yaml): 1.4.0, signed, x86 and
 * x64 (ready), and 1.5.0-beta, unsigned x64 only (blocked). The add-ins are built from the
 * official Excel-DNA loaders in ../shared/fixtures/exceldna, signed with osslsigncode.
 * The fixture GitHub API's build-addin.yml runs appear too (their artifact is text named .xll).
 */
const ENTITY = '/catalog/default/component/stacktalk-excel-addin';
const UPLOAD = '/api/exceldna/entities/component/default/stacktalk-excel-addin/uploads';
const TOKEN = 'e2e-exceldna-upload-token';

test.describe.configure({ mode: 'serial' });

test.describe('Excel add-in tab', () => {
  test.skip(!haveExcelDnaFixtures(), `the Excel-DNA fixtures are absent from ${exceldnaFixturesDir}`);
  let page: Page;

  test.beforeAll(async ({ browser, request }) => {
    const set = buildAddIns();
    const push = async (build: string, version: string, fileName: string, body: Buffer) => {
      const res = await request.post(`${UPLOAD}?build=${build}&version=${version}&branch=main&commit=4f1c2d3e&fileName=${fileName}`, {
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/octet-stream' },
        data: body,
      });
      expect(res.status(), await res.text()).toBe(201);
    };
    await push('e2e-1.4.0', '1.4.0', 'StackTalk-AddIn64-packed.xll', set.signed64);
    await push('e2e-1.4.0', '1.4.0', 'StackTalk-AddIn-packed.xll', set.signed32);
    await push('e2e-1.5.0-beta', '1.5.0-beta', 'StackTalk-AddIn64-packed.xll', set.unsigned64);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  });
  test.afterAll(async () => page?.close());

  test('shows the ready signed build and the blocked unsigned one, with the packed contents', async () => {
    await page.goto(`${ENTITY}/excel-addin`);
    await expect(page.getByText('Excel add-in builds')).toBeVisible();
    const ready = page.getByRole('row').filter({ hasText: '1.4.0' }).filter({ hasNotText: 'beta' });
    const blocked = page.getByRole('row').filter({ hasText: '1.5.0-beta' });
    await expect(ready.getByText('ready for release')).toBeVisible();
    await expect(ready.getByText('x86')).toBeVisible();
    await expect(ready.getByText('x64')).toBeVisible();
    await expect(ready.getByText('signed, valid')).toHaveCount(2);
    await expect(blocked.getByText('blocked')).toBeVisible();
    await expect(blocked.getByText('unsigned')).toBeVisible();

    await ready.getByRole('button').first().click(); // the row's detail panel
    await expect(page.getByText('Packed contents').first()).toBeVisible();
    await expect(page.getByRole('cell', { name: 'STACKTALK.ADDIN' }).first()).toBeVisible();
    await expect(page.getByRole('cell', { name: 'EXCELDNA.LOADER' }).first()).toBeVisible();
    await expect(page.getByText(/\.dna: StackTalk Pricing/).first()).toBeVisible();
    await keepScreenshot(page, 'exceldna-tab');

    await blocked.getByRole('button').first().click();
    await expect(page.getByText('Why it is blocked').first()).toBeVisible();
    await expect(page.getByText('no x86 add-in').first()).toBeVisible();
  });

  test("the overview card shows the latest build's readiness", async () => {
    await page.goto(ENTITY);
    await expect(page.getByText('Excel add-in release')).toBeVisible();
  });
});
