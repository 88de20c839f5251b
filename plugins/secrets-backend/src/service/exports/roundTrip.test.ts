import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { EXPORT_FORMATS, type ExportFormat } from '@stacktalk/plugin-secrets-common';
import { exportFile, ExportRefusedError, type ExportedSecret } from '.';
import { readDockerEnvFile, readSystemdEnvironmentFile } from './referenceReaders';

const dir = mkdtempSync(join(tmpdir(), 'secrets-export-'));
const MARKER = join(dir, 'command-ran');
const target = { entityName: 'payments-api', environment: { name: 'staging', deployment: 'droplet' as const, target: 'payments', production: false } };

/** A PEM bundle of certificates, just under the 64 KiB a value may have. */
function pemBundle(): string {
  const line = 'MIIFazCCA1OgAwIBAgIRAIIQz7DSQONZRGPgu2OCiwAwDQYJKoZIhvcNAQELBQAw';
  const cert = `-----BEGIN CERTIFICATE-----\n${`${line}\n`.repeat(30)}-----END CERTIFICATE-----\n`;
  return cert.repeat(Math.floor(65_000 / cert.length));
}

/** Hostile values: every one must come back byte for byte, or the format must refuse it by name. */
const HOSTILE: ExportedSecret[] = Object.entries({
  DOUBLE_QUOTES: 'say "hi" "',
  SINGLE_QUOTES: "it's 'quoted' '",
  BOTH_QUOTES: `he said "it's"`,
  BACKSLASHES: 'C:\\path\\to\\n\\t\\\\share\\',
  ONE_BACKSLASH: 'a\\b\\n',
  DOLLAR_VAR: '$HOME and $PATH$',
  DOLLAR_BRACE: '${HOME} ${NOPE:-default}',
  COMMAND: `$(touch ${MARKER})`,
  BACKTICKS: `\`touch ${MARKER}\``,
  HASH: 'value # not a comment',
  HASH_FIRST: '#starts with a hash',
  EQUALS: 'a=b==c=',
  SPACES: '  padded both sides  ',
  TABS: '\tpadded\twith tabs\t',
  LF: 'line one\nline two',
  CRLF: 'line one\r\nline two\r\n',
  TRAILING_NEWLINE: 'ends with a newline\n',
  EMPTY: '',
  NON_ASCII: 'h\u00e9llo w\u00f6rld \u65e5\u672c \u{1F511} nbsp\u00a0 ls\u2028 del\u007f',
  PEM_BUNDLE: pemBundle(),
}).map(([name, value]) => ({ name, value }));

/** Which values each format refuses (and must name); anything else must round-trip. */
const EXPECTED_REFUSALS: Record<ExportFormat, string[]> = {
  systemd: [],
  'docker-env-file': ['LF', 'CRLF', 'TRAILING_NEWLINE', 'PEM_BUNDLE'],
  shell: [],
  dotenv: ['BOTH_QUOTES', 'BACKSLASHES', 'DOLLAR_BRACE'],
  kubernetes: [],
  'app-platform': ['DOLLAR_BRACE'],
};

function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, { cwd: dir, env: {}, input, maxBuffer: 16 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr.toString()}`);
  return result.stdout;
}

/** `set -a; . ./file` in a real shell, then every exported variable, NUL-separated (env -0). */
function readWithShell(shell: string, body: string): Record<string, string> {
  writeFileSync(join(dir, 'exported.sh'), body);
  const out = run(shell, ['-c', 'set -a; . ./exported.sh; set +a; exec /usr/bin/env -0']).toString('utf8');
  return Object.fromEntries(out.split('\0').filter(Boolean).map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/** python-dotenv from Debian (python3-dotenv), as an app reads it: dotenv_values(path). */
function readWithPythonDotenv(body: string): Record<string, string> {
  writeFileSync(join(dir, 'exported.env'), body);
  const script = 'import json, sys\nfrom dotenv import dotenv_values\nsys.stdout.write(json.dumps(dotenv_values(sys.argv[1])))';
  return JSON.parse(run('/usr/bin/python3', ['-c', script, join(dir, 'exported.env')]).toString('utf8'));
}

function fromYaml(body: string, version: '1.1' | '1.2') {
  return parseYaml(body, { version, maxAliasCount: -1 });
}

/** Every reader of each format that runs here (or is ported from its source), as name → value. */
const READERS: Record<ExportFormat, Array<[string, (body: string) => Record<string, string>]>> = {
  systemd: [['systemd env-file.c (ported)', readSystemdEnvironmentFile]],
  'docker-env-file': [['docker/cli opts/file.go (ported)', readDockerEnvFile]],
  shell: [
    ['dash', body => readWithShell('/usr/bin/dash', body)],
    ['bash', body => readWithShell('/usr/bin/bash', body)],
    ['bash --posix', body => readWithShell('/usr/bin/bash', `set -o posix\n${body}`)],
  ],
  dotenv: [
    ['dotenv (npm)', body => parseDotenv(body)],
    ['python-dotenv', readWithPythonDotenv],
  ],
  kubernetes: (['1.1', '1.2'] as const).map(v => [
    `YAML ${v} + base64`,
    (body: string) =>
      Object.fromEntries(Object.entries(fromYaml(body, v).data as Record<string, string>).map(([k, b64]) => [k, Buffer.from(b64, 'base64').toString('utf8')])),
  ]),
  'app-platform': (['1.1', '1.2'] as const).map(v => [
    `YAML ${v}`,
    (body: string) => Object.fromEntries((fromYaml(body, v).envs as Array<{ key: string; value: string }>).map(e => [e.key, e.value])),
  ]),
};

function refusedNames(format: ExportFormat, secrets: ExportedSecret[]): string[] {
  try {
    exportFile(format, target, secrets);
    return [];
  } catch (error) {
    if (!(error instanceof ExportRefusedError)) throw error;
    return error.refusals.map(r => r.slice(0, r.indexOf(':')));
  }
}

describe.each(EXPORT_FORMATS)('the %s export read back by its reader', format => {
  it('refuses exactly the values its reader would change, naming each, and nothing else', () => {
    const refused = HOSTILE.filter(s => refusedNames(format, [s]).includes(s.name)).map(s => s.name);
    expect(refused).toEqual(EXPECTED_REFUSALS[format]);
    // The whole table at once: refused as a whole, naming every refused secret, or written.
    expect(refusedNames(format, HOSTILE)).toEqual(refused);
  });

  it.each(READERS[format])('gives every other value back byte for byte to %s', (_reader, read) => {
    const carried = HOSTILE.filter(s => !EXPECTED_REFUSALS[format].includes(s.name));
    const file = exportFile(format, target, carried);
    const got = read(file.body);
    expect(existsSync(MARKER)).toBe(false);
    for (const { name, value } of carried) {
      expect([name, Buffer.from(got[name] ?? '<missing>', 'utf8').toString('hex')]).toEqual([name, Buffer.from(value, 'utf8').toString('hex')]);
    }
    // One value at a time too: a value's neighbours must not be what makes it work.
    for (const secret of carried) {
      expect(read(exportFile(format, target, [secret]).body)[secret.name]).toBe(secret.value);
    }
    expect(existsSync(MARKER)).toBe(false);
  });
});

describe('refusals', () => {
  it('say which formats would carry everything', () => {
    expect(() => exportFile('dotenv', target, [{ name: 'URL', value: '${HOME}' }])).toThrow(
      "The dotenv format (.env for dotenv) cannot carry every secret exactly, so nothing was exported. URL: python-dotenv would expand the ${...} in it, and it has no escape for that. Formats that carry all of them: systemd, docker-env-file, shell, kubernetes.",
    );
  });

  it('stop a Kubernetes Secret over the 1 MiB the API server accepts', () => {
    const big = Array.from({ length: 17 }, (_, i) => ({ name: `PART_${i}`, value: 'x'.repeat(64 * 1024) }));
    expect(() => exportFile('kubernetes', target, big)).toThrow(/PART_0, PART_1, .*PART_16: together 1114112 bytes, more than the 1 MiB/);
    expect(() => exportFile('kubernetes', target, big.slice(0, 16))).not.toThrow();
  });

  it('keep the shell from reading variables the shell itself uses', () => {
    expect(() => exportFile('shell', target, [{ name: 'IFS', value: 'x' }, { name: 'BASH_ENV', value: 'y' }, { name: 'OK', value: 'z' }])).toThrow(
      /IFS: the shell itself uses IFS.*BASH_ENV: the shell itself uses BASH_ENV/,
    );
  });
});
