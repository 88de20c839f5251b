/** PDF reports of catalog entities, rendered by a pooled headless Chromium. */
export { reportsPlugin as default } from './plugin';
export { BrowserPool, detectChromium, CHROMIUM_ARGS } from './service/BrowserPool';
export { PdfRenderer } from './service/PdfRenderer';
