// What the stock app's Chromium checks share (check-static.mjs, dynamic-check.mjs): a list of
// named checks written as JSON with the `N passed, N failed` line, Debian's Chromium, the stock
// sign-in page (guest, asked again on every full page load) and API calls with the guest's token.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

/** Named checks; `finish(file)` writes them and returns the exit code. */
export function checkList(prefix = '') {
  const checks = [];
  const record = (name, ok, detail = '') => {
    checks.push({ name, ok, detail });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${prefix}${name}${detail ? ` — ${detail}` : ''}`);
  };
  const finish = file => {
    const passed = checks.filter(c => c.ok).length;
    const failed = checks.length - passed;
    fs.writeFileSync(file, JSON.stringify({ passed, failed, checks }, null, 2));
    console.log(`${prefix}${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
  };
  return { checks, record, finish };
}

export const launchChromium = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });

/** Waits for `shown` or the stock sign-in page; enters as guest when asked. */
export async function signInIfAsked(page, shown) {
  const enter = page.getByRole('button', { name: /^enter$/i });
  await shown.or(enter).first().waitFor({ timeout: 30000 }).catch(() => {});
  if (await enter.isVisible()) await enter.click();
}

/** The signed-in guest's Backstage token, and `call(url, token?)` from the page. */
export async function guestApi(page) {
  const token = await page.evaluate(async () => {
    const r = await fetch('/api/auth/guest/refresh', { headers: { 'x-requested-with': 'XMLHttpRequest' }, credentials: 'include' });
    return r.ok ? (await r.json()).backstageIdentity?.token : undefined;
  });
  const call = (url, auth) =>
    page.evaluate(
      async ([u, t]) => {
        const r = await fetch(u, { headers: t ? { authorization: `Bearer ${t}` } : {} });
        return { status: r.status, body: (await r.text()).slice(0, 300) };
      },
      [url, auth],
    );
  return { token, call };
}
