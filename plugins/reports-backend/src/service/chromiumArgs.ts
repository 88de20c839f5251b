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
