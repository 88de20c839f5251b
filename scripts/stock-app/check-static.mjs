// Chromium checks of the stock app with our plugins installed (scripts/stock-app/static.sh):
// every plugin's backend routes answer a signed-in guest and refuse an anonymous caller, and
// every entity tab renders on the example entities with its data and without an error panel.
// Writes $STOCK_RESULTS/check-static.json and one screenshot per tab.
import fs from 'node:fs';
import path from 'node:path';
import { checkList, guestApi, launchChromium, signInIfAsked as signIn } from './browser.mjs';

const base = process.env.STOCK_APP_URL ?? 'http://localhost:7300';
const out = process.env.STOCK_RESULTS ?? 'test-results/stock-app';
fs.mkdirSync(out, { recursive: true });

const COMPONENT = 'component/default/stacktalk-excel-addin'; // API paths: kind/namespace/name
const STREAM = 'resource/default/stock-app-demo-stream';
// Catalog page paths: namespace/kind/name
const COMPONENT_PAGE = 'default/component/stacktalk-excel-addin';
const STREAM_PAGE = 'default/resource/stock-app-demo-stream';

// [plugin, path, expected status for the guest]
const routes = [
  ['secrets', '/environments', 200],
  ['secrets', `/entities/${COMPONENT}/secrets`, 200],
  ['reports', `/templates?entityRef=${encodeURIComponent('component:default/stacktalk-excel-addin')}`, 200],
  ['reports', '/reports', 200],
  ['stream-viewer', `/streams?entityRef=${encodeURIComponent('resource:default/stock-app-demo-stream')}`, 200],
  ['ci-status', `/entities/${COMPONENT}/runs`, 200],
  ['exceldna', `/entities/${COMPONENT}/builds`, 200],
];
// Bad input gets a clear 4xx, not a 500.
const badRoutes = [
  ['secrets', '/entities/component/default/no-such-entity/secrets'],
  ['stream-viewer', '/streams?entityRef=not%20a%20ref'],
  ['ci-status', '/entities/component/default/no-such-entity/runs'],
  ['exceldna', '/entities/component/default/no-such-entity/builds'],
  ['reports', '/reports/not-a-report-id'],
];
// [tab title, entity path, tab path, plugin id, text the tab shows when it works]
const tabs = [
  ['Secrets', COMPONENT_PAGE, 'secrets', 'secrets', /export stockdev/i],
  ['Reports', COMPONENT_PAGE, 'reports', 'reports', /Service overview/],
  ['CI', COMPONENT_PAGE, 'ci', 'ci-status', /Build add-in/],
  ['Excel add-in', COMPONENT_PAGE, 'excel-addin', 'exceldna', /ready for release/],
  ['Streams', STREAM_PAGE, 'streams', 'stream-viewer', /latency_ms/],
];

const { record, finish } = checkList();

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', e => pageErrors.push(String(e)));

  // Sign in the way the stock app offers: its default sign-in page with the guest provider,
  // which asks again on every full page load.
  const signInIfAsked = shown => signIn(page, shown);
  await page.goto(base);
  await signInIfAsked(page.getByRole('heading').first());
  await page.waitForLoadState('networkidle');

  // Routes, called from the signed-in page with the guest's Backstage token.
  const { token, call } = await guestApi(page);
  record('guest token from /api/auth/guest/refresh', Boolean(token));
  for (const [plugin, p, expected] of routes) {
    const url = `/api/${plugin}${p}`;
    const authed = await call(url, token);
    record(`GET ${url} as guest → ${expected}`, authed.status === expected, `got ${authed.status} ${authed.status === expected ? '' : authed.body}`);
    const anon = await call(url, undefined);
    record(`GET ${url} anonymous → 401`, anon.status === 401, `got ${anon.status}`);
  }
  for (const [plugin, p] of badRoutes) {
    const url = `/api/${plugin}${p}`;
    const r = await call(url, token);
    record(`GET ${url} bad input → 4xx`, r.status >= 400 && r.status < 500, `got ${r.status} ${r.body}`);
  }

  // Entity tabs: each shows its data, calls only its own plugin's routes successfully, and has
  // no error panel.
  for (const [title, entity, tabPath, plugin, expectedText] of tabs) {
    const responses = [];
    const onResponse = r => {
      if (r.url().includes(`/api/${plugin}/`)) responses.push(`${r.status()} ${new URL(r.url()).pathname}`);
    };
    page.on('response', onResponse);
    const errorsBefore = pageErrors.length;
    await page.goto(`${base}/catalog/${entity}/${tabPath}`);
    // The entity page's tab bar (new frontend system): links, or tabs in other layouts.
    const tab = page.getByRole('link', { name: title, exact: true }).or(page.getByRole('tab', { name: title, exact: true })).first();
    await signInIfAsked(tab);
    const tabShown = await tab.waitFor({ timeout: 30000 }).then(() => true, () => false);
    const textShown = await page
      .getByText(expectedText)
      .first()
      .waitFor({ timeout: 30000 })
      .then(() => true, () => false);
    await page.waitForLoadState('networkidle').catch(() => {});
    const file = path.join(out, `tab-${tabPath}.png`);
    await page.screenshot({ path: file, fullPage: true });
    page.off('response', onResponse);
    const errorPanels = await page
      .locator('[class*="MuiAlert-standardError"], [class*="MuiAlert-standardWarning"], [class*="WarningPanel"], [class*="ErrorPanel"]')
      .allInnerTexts();
    const bad = responses.filter(r => !/^(2|3)\d\d /.test(r));
    record(`tab ${title} on ${entity}: shown`, tabShown);
    record(`tab ${title}: shows ${expectedText}`, textShown, path.relative(process.cwd(), file));
    record(`tab ${title}: no error panel`, errorPanels.length === 0, errorPanels.join(' | ').slice(0, 300));
    record(
      `tab ${title}: its /api/${plugin} calls succeed`,
      responses.length > 0 && bad.length === 0,
      `${responses.length} calls${bad.length ? `; failed: ${bad.join(', ')}` : ''}`,
    );
    record(`tab ${title}: no uncaught page error`, pageErrors.length === errorsBefore, pageErrors.slice(errorsBefore).join(' | ').slice(0, 300));
  }
} finally {
  await browser.close();
}

process.exit(finish(path.join(out, 'check-static.json')));
