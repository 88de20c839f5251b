import { test, expect, type Page, type Request } from '@playwright/test';
import { keepScreenshot } from '../e2e-tests/screenshots';

/**
 * Sign-in with Keycloak through keycloak-js, against the FIXTURE Keycloak (oidc-provider at
 * Keycloak's paths on :7090, examples/fixtures/keycloak-oidc) started by scripts/e2e-keycloak.sh
 * with 70 s access tokens. The login-status iframe is switched off (the fixture does not serve
 * it); the 3rd-party-cookie check pages and the silent check-sso are real.
 */
const KEYCLOAK = 'http://localhost:7090/realms/stacktalk/protocol/openid-connect';
const signInButton = (page: Page) => page.getByRole('button', { name: 'Sign in with Keycloak', exact: true });
const isTokenRequest = (grant: string) => (r: Request) =>
  r.url() === `${KEYCLOAK}/token` && r.method() === 'POST' && (r.postData() ?? '').includes(`grant_type=${grant}`);

test.describe.configure({ mode: 'serial' });

/** The page's errors in the test output: a failed sign-in says why (keycloak-js throws inside init). */
function logPageErrors(page: Page) {
  page.on('console', m => m.type() === 'error' && process.stdout.write(`[page console] ${m.text()}\n`));
  page.on('pageerror', e => process.stdout.write(`[page error] ${e.message}\n`));
}

test('sign in through the login form, a silent second visit, a token refresh without reload, sign-out', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  logPageErrors(page);

  // First visit: check-sso finds no Keycloak session, so the page asks.
  await page.goto('/');
  await expect(signInButton(page)).toBeVisible();
  await keepScreenshot(page, '19-01-keycloak-sign-in', 'docs/images/sign-in-keycloak.png');

  // The button redirects (no popup) to the realm's login form with PKCE S256.
  const [authorize] = await Promise.all([
    page.waitForRequest(r => r.url().startsWith(`${KEYCLOAK}/auth`) && r.isNavigationRequest()),
    signInButton(page).click(),
  ]);
  const params = new URL(authorize.url()).searchParams;
  expect(params.get('code_challenge_method')).toBe('S256');
  expect(params.get('response_type')).toBe('code');
  await page.locator('input[name=login]').fill('bruno.silva');
  await page.locator('input[name=password]').fill('stacktalk-example');
  await page.getByRole('button', { name: 'Sign-in' }).click();

  // Back in the portal as the catalog user Bruno Silva.
  await page.waitForURL(url => url.origin === 'http://localhost:7027');
  await expect(signInButton(page)).toHaveCount(0);
  await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
  await keepScreenshot(page, '19-02-keycloak-signed-in');
  await page.goto('/settings');
  await expect(page.getByText('bruno.silva').first()).toBeVisible();
  await expect(signInButton(page)).toHaveCount(0);
  await keepScreenshot(page, '19-03-keycloak-settings');

  // keycloak-js refreshes the token before it expires (70 s tokens, refreshed at 60 s left)
  // and the Backstage identity follows, with no reload.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const refresh = page.waitForRequest(isTokenRequest('refresh_token'), { timeout: 60_000 });
  const exchange = refresh.then(() =>
    page.waitForResponse(r => r.url().endsWith('/api/auth/keycloakJs/refresh') && r.status() === 200, { timeout: 30_000 }),
  );
  await refresh;
  await exchange;
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // Second visit (a new tab, the Keycloak session cookie only): in with no click.
  const second = await context.newPage();
  const silent = second.waitForRequest(r => r.url().startsWith(`${KEYCLOAK}/auth`) && new URL(r.url()).searchParams.get('prompt') === 'none');
  await second.goto('/settings');
  await silent;
  await expect(second.getByText('bruno.silva').first()).toBeVisible();
  await expect(signInButton(second)).toHaveCount(0);
  await second.close();

  // Sign-out ends the Keycloak session too: back to the sign-in page, and the next visit asks.
  await page.getByRole('button', { name: 'more' }).first().click();
  await page.getByRole('menuitem', { name: /Sign Out/i }).click();
  await expect(signInButton(page)).toBeVisible();
  const third = await context.newPage();
  await third.goto('/');
  await expect(signInButton(third)).toBeVisible();
  await context.close();
});

test('a Keycloak user without a User in the catalog is told so', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await signInButton(page).click();
  await page.locator('input[name=login]').fill('zoe.contractor');
  await page.locator('input[name=password]').fill('stacktalk-example');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // The error panel carries the backend's message in its details (collapsed until opened).
  await page.getByRole('button', { name: /Could not sign in with Keycloak/ }).click();
  await expect(page.getByText(/zoe.contractor has no User in the portal's catalog/).locator('visible=true').first()).toBeVisible();
  await expect(signInButton(page)).toBeVisible();
  await keepScreenshot(page, '19-04-keycloak-unknown-user');
  await context.close();
});
