/** PDF reports of catalog entities, rendered by a pooled headless Chromium. */
export { reportsPlugin as default } from './plugin';
export { reportsSectionsExtensionPoint, type ReportSection, type ReportSectionContext, type ReportsSectionsExtensionPoint } from './sections';
export { BrowserPool, detectChromium, CHROMIUM_ARGS } from './service/BrowserPool';
export { PdfRenderer } from './service/PdfRenderer';
