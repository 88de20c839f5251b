import { test, expect, type Browser, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { keepScreenshot } from '../e2e-tests/screenshots';

// Issue 26 end to end (scripts/e2e-plugins.sh): installing, disabling and rolling back dynamic
// plugins from the Plugins page of a portal whose backend runs under scripts/supervise.mjs.
// Bundles: examples/dynamic-plugins, packed by the script into E2E_PLUGIN_BUNDLES.

const ROOT = resolve(__dirname, '../../..');
const BUNDLES = process.env.E2E_PLUGIN_BUNDLES ?? resolve(ROOT, 'test-results/plugin-bundles');
const E2E_DATA = process.env.E2E_DATA ?? resolve(ROOT, 'data-e2e-plugins');
const DYNAMIC = resolve(E2E_DATA, 'dynamic-plugins');
const ENTITY = '/catalog/default/component/stacktalk-edge-nginx';
const TIMINGS = resolve(ROOT, 'test-results/plugin-install-timings.json');

/** An entity page tab (the entity layout renders them as links). */
const entityTab = (page: Page, title: string) => page.locator('a, [role=tab]').filter({ hasText: new RegExp(`^${title}$`) });

const bundle = (folder: string) => resolve(BUNDLES, `${folder}.tgz`);
const integrityOf = (file: string) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

async function signInAs(browser: Browser, displayName?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const button = page.getByRole('button', { name: displayName ? `Sign in as ${displayName}` : 'Enter' });
  // Right after the portal starts the catalog may not hold the example users yet: the sign-in
  // page lists them once it loads, so load it again until the user is there.
  await expect(async () => {
    await page.goto('/');
    await expect(button).toBeVisible({ timeout: 5000 });
  }).toPass({ timeout: 180_000 });
  await button.click();
  await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  return page;
}

/**
 * A call to the portal's API with a Backstage token of the guest, or of an example user (that
 * provider is a proxy: each refresh names the user in its header, as the sign-in page sends it).
 */
async function callApi(page: Page, who: 'guest' | { exampleUser: string }, method: string, path: string) {
  return page.evaluate(
    async call => {
      const provider = call.who === 'guest' ? 'guest' : 'exampleUser';
      const refresh = await fetch(`/api/auth/${provider}/refresh?env=development`, {
        headers: { 'x-requested-with': 'XMLHttpRequest', ...(call.who === 'guest' ? {} : { 'x-stacktalk-example-user': call.who.exampleUser }) },
        credentials: 'include',
      });
      const token = (await refresh.json()).backstageIdentity?.token;
      const response = await fetch(call.path, { method: call.method, headers: { authorization: `Bearer ${token}` }, body: call.method === 'POST' ? 'x' : undefined });
      return { status: response.status, body: await response.text() };
    },
    { who, method, path },
  );
}

async function uploadBundle(page: Page, folder: string) {
  await page.goto('/plugins');
  const upload = page.getByTestId('upload-bundle');
  await expect(upload).toBeVisible();
  await upload.getByLabel('Bundle file').setInputFiles(bundle(folder));
  await upload.getByLabel('Integrity').fill(integrityOf(bundle(folder)));
  await upload.getByRole('button', { name: 'Install' }).click();
}

/**
 * Follows the progress panel through the restart: the phases it showed, in order, and its end
 * (live or rolled back) with the seconds from the click it reports.
 */
async function followApply(page: Page) {
  const progress = page.getByTestId('apply-progress');
  await expect(progress).toBeVisible();
  const phases: string[] = [];
  const deadline = Date.now() + 480_000;
  for (;;) {
    const phase = await progress.getAttribute('data-phase').catch(() => null);
    if (phase && phases[phases.length - 1] !== phase) phases.push(phase);
    if (phase === 'live' || phase === 'rolled-back' || phase === 'failed') break;
    if (Date.now() > deadline) throw new Error(`no result after 8 minutes; phases seen: ${phases.join(' → ')}`);
    await page.waitForTimeout(250);
  }
  const text = (await progress.textContent()) ?? '';
  const seconds = Number(/after ([\d.]+) s/.exec(text)?.[1] ?? NaN);
  return { phases, end: phases[phases.length - 1], seconds, text };
}

function recordTiming(name: string, value: object) {
  mkdirSync(resolve(ROOT, 'test-results'), { recursive: true });
  const all = existsSync(TIMINGS) ? JSON.parse(readFileSync(TIMINGS, 'utf8')) : {};
  all[name] = value;
  writeFileSync(TIMINGS, `${JSON.stringify(all, null, 2)}\n`);
  // eslint-disable-next-line no-console
  console.log(`timing ${name}: ${JSON.stringify(value)}`);
}

test.describe.configure({ mode: 'serial' });

test.describe('installing plugins from the Plugins page', () => {
  let admin: Page;
  test.beforeAll(async ({ browser }) => {
    admin = await signInAs(browser, 'Bruno Silva');
  });
  test.afterAll(async () => admin.close());

  test('a non-admin sees no install controls and gets 403 from the API', async ({ browser }) => {
    const guest = await signInAs(browser);
    await guest.goto('/plugins');
    await expect(guest.getByText(/Backend: \d+ packages/)).toBeVisible({ timeout: 60_000 });
    await expect(guest.getByTestId('upload-bundle')).toHaveCount(0);
    await expect(guest.getByRole('button', { name: /^Disable / })).toHaveCount(0);
    const upload = await callApi(guest, 'guest', 'POST', `/api/plugin-manager/bundles?integrity=${encodeURIComponent(integrityOf(bundle('stacktalk-examples-plugin-runbook-backend')))}`);
    expect(upload.status).toBe(403);
    expect((await callApi(guest, 'guest', 'POST', '/api/plugin-manager/restart')).status).toBe(403);
    expect((await callApi(guest, 'guest', 'GET', '/api/plugin-manager/changes')).status).toBe(200);
    await guest.close();
  });

  test('a plugin missing a config key shows the key and is not installed', async () => {
    await uploadBundle(admin, 'stacktalk-examples-plugin-pager-backend');
    const error = admin.getByTestId('install-error');
    await expect(error).toContainText('was not installed');
    await expect(admin.getByTestId('install-missing-keys')).toContainText('pager.routingKey');
    await expect(admin.getByTestId('apply-progress')).toHaveCount(0);
    expect(existsSync(resolve(DYNAMIC, 'stacktalk-examples-plugin-pager-backend'))).toBe(false);
    await keepScreenshot(admin, 'plugins-01-missing-config-key');
  });

  test('an admin installs a backend plugin, sees the progress until it answers', async () => {
    await uploadBundle(admin, 'stacktalk-examples-plugin-runbook-backend');
    await expect(admin.getByTestId('install-ok')).toContainText('@stacktalk-examples/plugin-runbook-backend 1.0.0 accepted');
    await keepScreenshot(admin, 'plugins-02-applying', 'plugins/plugin-manager/docs/plugins-apply-progress.png');
    const result = await followApply(admin);
    expect(result.end).toBe('live');
    // The page saw the backend go and come back (not only the end).
    expect(result.phases).toContain('starting');
    expect(result.text).toContain('@stacktalk-examples/plugin-runbook-backend (runbook): answering');
    recordTiming('install-backend-plugin-to-answering', { seconds: result.seconds, phases: result.phases });
    await keepScreenshot(admin, 'plugins-03-live', 'plugins/plugin-manager/docs/plugins-apply-live.png');
    expect(existsSync(resolve(DYNAMIC, 'stacktalk-examples-plugin-runbook-backend', 'package.json'))).toBe(true);
  });

  test('then its frontend: after the restart the entity has the Runbook tab with the backend’s answer', async () => {
    await uploadBundle(admin, 'stacktalk-examples-plugin-runbook');
    const result = await followApply(admin);
    expect(result.end).toBe('live');
    recordTiming('install-frontend-plugin-to-live', { seconds: result.seconds, phases: result.phases });
    await admin.goto(ENTITY);
    await entityTab(admin, 'Runbook').first().click();
    await expect(admin).toHaveURL(/\/runbook$/);
    await expect(admin.getByTestId('runbook-escalation')).toContainText('#ops-escalation');
    await expect(admin.getByTestId('runbook-owner')).toHaveText('Owner: platform');
    await keepScreenshot(admin, 'plugins-04-runbook-tab');
  });

  test('disabling it: after the restart the tab is gone', async () => {
    await admin.goto('/plugins');
    const disable = admin.getByRole('button', { name: 'Disable @stacktalk-examples/plugin-runbook', exact: true });
    await expect(disable).toBeVisible({ timeout: 60_000 });
    await disable.click();
    const result = await followApply(admin);
    expect(result.end).toBe('live');
    await admin.goto(ENTITY);
    await expect(entityTab(admin, 'Overview').first()).toBeVisible();
    await expect(entityTab(admin, 'Runbook')).toHaveCount(0);
    expect(existsSync(resolve(DYNAMIC, 'stacktalk-examples-plugin-runbook'))).toBe(false);
  });

  test('a bundle that fails to start is rolled back on its own, with its error', async () => {
    await uploadBundle(admin, 'stacktalk-examples-plugin-broken-backend');
    const result = await followApply(admin);
    expect(result.end).toBe('rolled-back');
    await expect(admin.getByTestId('apply-error')).toContainText('cannot reach the licence server at https://licences.invalid');
    recordTiming('broken-plugin-to-rolled-back', { seconds: result.seconds, phases: result.phases });
    await keepScreenshot(admin, 'plugins-05-rolled-back', 'plugins/plugin-manager/docs/plugins-apply-rolled-back.png');
    expect(existsSync(resolve(DYNAMIC, 'stacktalk-examples-plugin-broken-backend'))).toBe(false);
    // The portal runs what it ran before: the runbook backend still answers, the rollback is on the page after a reload.
    await admin.goto('/plugins');
    await expect(admin.getByTestId('last-applied')).toContainText('rolled back');
    await expect(admin.getByTestId('last-applied')).toContainText('cannot reach the licence server');
    const runbook = await callApi(admin, { exampleUser: 'bruno.silva' }, 'GET', '/api/runbook/entity/default/component/stacktalk-edge-nginx');
    expect(runbook.status).toBe(200);
    expect(JSON.parse(runbook.body)).toMatchObject({ owner: 'platform', escalationChannel: '#ops-escalation' });
  });
});
