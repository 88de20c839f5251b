// Chromium checks of the dynamic install test (scripts/stock-app/dynamic.sh), one phase per run:
//   before: the dynamic feature service lists no remote, the CI status routes answer 404, the
//           example component has no CI tab;
//   after:  the CI status frontend remote is listed, its routes answer the signed-in guest (200)
//           and refuse an anonymous caller (401), the component's CI tab renders the fixture
//           GitHub API's runs with no error panel and no uncaught page error.
// Writes $STOCK_RESULTS/dynamic-<phase>.json and dynamic-<phase>.png.
// Usage: node dynamic-check.mjs before|after
import fs from 'node:fs';
import path from 'node:path';
import { checkList, guestApi, launchChromium, signInIfAsked } from './browser.mjs';

const phase = process.argv[2];
if (!['before', 'after'].includes(phase)) throw new Error('usage: dynamic-check.mjs before|after');
const base = process.env.STOCK_APP_URL ?? 'http://localhost:7310';
const out = process.env.STOCK_RESULTS ?? 'test-results/stock-app-dynamic';
fs.mkdirSync(out, { recursive: true });
const ENTITY = 'component/default/stacktalk-excel-addin';
const ROUTE = `/api/ci-status/entities/${ENTITY}/runs`;

const { record, finish } = checkList(`[${phase}] `);

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const pageErrors = [];
  const consoleLines = [];
  page.on('pageerror', e => pageErrors.push(String(e)));
  page.on('console', m => consoleLines.push(`${m.type()}: ${m.text()}`));

  await page.goto(base);
  await signInIfAsked(page, page.getByRole('heading').first());
  await page.waitForLoadState('networkidle');

  const { token, call } = await guestApi(page);
  record('guest token', Boolean(token));

  const remotes = await call('/.backstage/dynamic-features/remotes');
  const listed = remotes.status === 200 ? JSON.parse(remotes.body || '[]').map(r => r.packageName) : [];
  const guestCall = await call(ROUTE, token);
  const anonCall = await call(ROUTE, undefined);

  // The catalog reads its file location shortly after start: wait for the entity.
  let entityStatus = 0;
  for (let i = 0; i < 120 && entityStatus !== 200; i++) {
    entityStatus = (await call('/api/catalog/entities/by-name/component/default/stacktalk-excel-addin', token)).status;
    if (entityStatus !== 200) await page.waitForTimeout(1000);
  }
  record('catalog holds the example component', entityStatus === 200, `got ${entityStatus}`);

  // A full page load can land on the sign-in page again: enter as guest once more.
  await page.goto(`${base}/catalog/default/component/stacktalk-excel-addin`); // /catalog/:namespace/:kind/:name
  const title = page.getByText('StackTalk Excel add-in').first();
  await signInIfAsked(page, title);
  const entityShown = await title.waitFor({ timeout: 30000 }).then(() => true, () => false);
  // Without the entity page, "no CI tab" would prove nothing.
  record('entity page shown (signed in)', entityShown);
  // The entity page's tabs (links in the new frontend system's page header).
  const ciTab = page.locator('a, [role=tab]').filter({ hasText: /^CI$/ });

  if (phase === 'before') {
    record('remotes list is empty', remotes.status === 200 && listed.length === 0, `${remotes.status} ${remotes.body}`);
    record(`GET ${ROUTE} as guest → 404 (no plugin)`, guestCall.status === 404, `got ${guestCall.status}`);
    await page.waitForLoadState('networkidle').catch(() => {});
    record('entity page has no CI tab', (await ciTab.count()) === 0);
    const file = path.join(out, 'dynamic-before.png');
    await page.screenshot({ path: file, fullPage: true });
    record('screenshot', true, path.relative(process.cwd(), file));
  } else {
    record('remotes list names @stacktalk/plugin-ci-status', listed.includes('@stacktalk/plugin-ci-status'), `${remotes.status} ${remotes.body.slice(0, 200)}`);
    record(`GET ${ROUTE} as guest → 200`, guestCall.status === 200, `got ${guestCall.status} ${guestCall.status === 200 ? '' : guestCall.body}`);
    record(`GET ${ROUTE} anonymous → 401`, anonCall.status === 401, `got ${anonCall.status}`);
    const shown = await ciTab.first().waitFor({ timeout: 30000 }).then(() => true, () => false);
    record('entity page has a CI tab', shown);
    if (shown) await ciTab.first().click();
    const onTab = await page.waitForURL(/\/ci$/, { timeout: 30000 }).then(() => true, () => false);
    record('CI tab opened (URL …/ci)', onTab, page.url());
    const runs = await page.getByText(/Build add-in/).first().waitFor({ timeout: 30000 }).then(() => true, () => false);
    record('CI tab shows the runs of build-addin.yml (fixture GitHub API)', runs);
    await page.waitForLoadState('networkidle').catch(() => {});
    const errorPanels = await page
      .locator('.MuiAlert-standardError, [class*="BackstageWarningPanel"], [class*="BackstageErrorPanel"]')
      .allInnerTexts();
    record('CI tab: no error panel', errorPanels.length === 0, errorPanels.join(' | ').slice(0, 300));
    record('no uncaught page error', pageErrors.length === 0, pageErrors.join(' | ').slice(0, 300));
    const file = path.join(out, 'dynamic-after.png');
    await page.screenshot({ path: file, fullPage: true });
    record('screenshot', true, path.relative(process.cwd(), file));
  }
  fs.writeFileSync(path.join(out, `dynamic-${phase}-console.log`), consoleLines.join('\n'));
} finally {
  await browser.close();
}

process.exit(finish(path.join(out, `dynamic-${phase}.json`)));
