import { test, expect, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { readDockerEnvFile, readSystemdEnvironmentFile } from '@stacktalk/plugin-secrets-backend/testUtils';

// The guest signs in as ada.okafor (platform team), who owns stacktalk-deploy; no other spec touches it.
const TAB = '/catalog/default/component/stacktalk-deploy/secrets';
const dir = mkdtempSync(join(tmpdir(), 'secrets-e2e-'));
const MARKER = join(dir, 'command-ran');
// Quotes, `$`, a command, backticks, `#`, `=`, a backslash and non-ASCII: every format carries it.
const VALUE = `pa$$ "w0rd" #1 = \`touch ${MARKER}\` $(touch ${MARKER}) \\n $HOME \u00e9\u{1F511}`;

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: dir, env: {} });
  if (result.status !== 0) throw new Error(`${command}: ${result.stderr}`);
  return result.stdout.toString('utf8');
}

function shell(shellPath: string) {
  return (file: string) => {
    const out = run(shellPath, ['-c', `set -a; . '${file}'; set +a; exec /usr/bin/env -0`]);
    return Object.fromEntries(out.split('\0').filter(Boolean).map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  };
}

/** How each downloaded file is read back: by the real program where it runs here. */
const READERS: Record<string, Array<(file: string) => Record<string, string>>> = {
  systemd: [file => readSystemdEnvironmentFile(readFileSync(file, 'utf8'))],
  'docker-env-file': [file => readDockerEnvFile(readFileSync(file, 'utf8'))],
  shell: [shell('/usr/bin/dash'), shell('/usr/bin/bash')],
  dotenv: [
    file => parseDotenv(readFileSync(file, 'utf8')),
    file => JSON.parse(run('/usr/bin/python3', ['-c', 'import json,sys\nfrom dotenv import dotenv_values\nprint(json.dumps(dotenv_values(sys.argv[1])))', file])),
  ],
  kubernetes: [
    file => {
      const data = parseYaml(readFileSync(file, 'utf8'), { version: '1.1' }).data as Record<string, string>;
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    },
  ],
  'app-platform': [file => Object.fromEntries((parseYaml(readFileSync(file, 'utf8'), { version: '1.1' }).envs as any[]).map(e => [e.key, e.value]))],
};

test.describe.configure({ mode: 'serial' });

test.describe('Secrets exports', () => {
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByText('Welcome to StackTalk Portal')).toBeVisible();
    await page.goto(TAB);
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Secret name').fill('DEPLOY_TOKEN');
    await page.getByLabel('Secret value').fill(VALUE);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('DEPLOY_TOKEN saved in development')).toBeVisible();
  });
  test.afterAll(async () => page.close());

  async function download(click: () => Promise<void>) {
    const pending = page.waitForEvent('download');
    await click();
    const file = await pending;
    return { name: file.suggestedFilename(), path: (await file.path())! };
  }

  test('every format the tab offers downloads a file its reader reads back exactly', async () => {
    const standard = await download(() => page.getByRole('button', { name: 'Export development' }).click());
    expect(standard.name).toBe('stacktalk-deploy.development.systemd.env');
    const files: Array<[string, string]> = [['systemd', standard.path]];

    await page.getByRole('button', { name: 'Other export formats for development' }).click();
    const offered = await page.getByRole('menuitem').evaluateAll(items => items.map(i => i.getAttribute('aria-label')));
    await page.keyboard.press('Escape');
    const formats = offered.map(label => label!.replace('Export development as ', ''));
    expect(formats.sort()).toEqual(['app-platform', 'docker-env-file', 'dotenv', 'kubernetes', 'shell']);
    const exportAs = (format: string) =>
      download(async () => {
        await page.getByRole('button', { name: 'Other export formats for development' }).click();
        await page.getByRole('menuitem', { name: `Export development as ${format}` }).click();
      });
    for (const format of formats) {
      const file = await exportAs(format);
      files.push([format, file.path]);
    }

    for (const [format, path] of files) {
      for (const read of READERS[format]) {
        expect([format, read(path).DEPLOY_TOKEN]).toEqual([format, VALUE]);
      }
    }
    expect(existsSync(MARKER)).toBe(false);
  });

  test('a format that cannot carry a value says which and why, and exports nothing', async () => {
    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByLabel('Secret name').fill('CA_BUNDLE');
    await page.getByText('Multi-line value (shown while editing)').click();
    await page.getByLabel('Secret value').fill('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('CA_BUNDLE saved in development')).toBeVisible();

    let downloaded = false;
    page.once('download', () => (downloaded = true));
    await page.getByRole('button', { name: 'Other export formats for development' }).click();
    await page.getByRole('menuitem', { name: 'Export development as docker-env-file' }).click();
    await expect(page.getByText(/The docker-env-file format .* cannot carry every secret exactly, so nothing was exported\. CA_BUNDLE: it has a line feed/)).toBeVisible();
    expect(downloaded).toBe(false);
  });
});
