import fs from 'node:fs';

/**
 * How every headless Chromium here starts (the PDF renderer, the end-to-end tests, the browser
 * benchmark): Debian's Chromium as root in a container, with nothing that phones home.
 */
export const HEADLESS_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Debian's `chromium-headless-shell` ("old headless", what puppeteer's `headless: 'shell'`
 * targets): the binary itself. `/usr/bin/chromium-headless-shell` is a `sh` script that runs it
 * without `exec`, so launched through it the pid puppeteer knows is the shell script's, not the
 * browser's.
 */
const HEADLESS_SHELL_CANDIDATES = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chrome-headless-shell'];
/** Debian's wrapper script of the headless shell and the binary it runs. */
const HEADLESS_SHELL_WRAPPERS: Record<string, string> = {
  '/usr/bin/chromium-headless-shell': '/usr/lib/chromium/chromium-headless-shell',
};
/** The full browser (its wrapper `exec`s the binary, so the pid is the browser's). */
const FULL_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export type ChromiumKind = 'headless-shell' | 'full';

/** The headless shell's executables are named `chromium-headless-shell` / `chrome-headless-shell`. */
export function chromiumKind(executablePath: string): ChromiumKind {
  return /headless[-_]shell/.test(executablePath.split('/').pop() ?? '') ? 'headless-shell' : 'full';
}

/** Debian's headless-shell wrapper script is replaced by the binary it runs (when present). */
function unwrap(path: string) {
  const binary = HEADLESS_SHELL_WRAPPERS[path];
  return binary && fs.existsSync(binary) ? binary : path;
}

/** Debian's `chromium-headless-shell`, when installed. */
export function detectHeadlessShell(): string | undefined {
  return HEADLESS_SHELL_CANDIDATES.find(p => fs.existsSync(p));
}

/** Debian's `chromium` (or another system Chrome), when installed. */
export function detectFullChromium(): string | undefined {
  return FULL_CANDIDATES.find(p => fs.existsSync(p));
}

/**
 * The browser the reports render with: `reports.chromium.executablePath` when set (undefined
 * when it does not exist), else the headless shell, else the full browser.
 */
export function detectChromium(configured?: string): string | undefined {
  if (configured) return fs.existsSync(configured) ? unwrap(configured) : undefined;
  return detectHeadlessShell() ?? detectFullChromium();
}

/** Said in the log when reports render with the full browser. */
export function fullChromiumWarning(executablePath: string): string {
  return (
    `Reports render with the full Chromium browser (${executablePath}): every PDF it prints launches a ` +
    'PrintCompositor process, which makes a report 2-4 times slower than with chromium-headless-shell ' +
    '(README, "Benchmark"). Install it with "sudo apt-get install -y chromium-headless-shell" ' +
    '(and leave reports.chromium.executablePath unset) to render with it.'
  );
}
