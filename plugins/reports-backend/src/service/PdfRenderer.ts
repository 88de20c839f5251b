import type { HTTPRequest, Page } from 'puppeteer-core';
import type { BrowserPool } from './BrowserPool';

export type PaperFormat = 'A4' | 'Letter';

export interface RenderOptions {
  format: PaperFormat;
  /** Shown in the page header; plain text (escaped here). */
  title: string;
  /** Render timeout; a render that exceeds it fails with a message that says so. */
  timeoutMs?: number;
}

export class RenderTimeoutError extends Error {
  name = 'RenderTimeoutError';
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Only inlined data may load: `data:` URIs (our logo, SVG charts and fonts are inlined) and the
 * blank page itself. Everything else — http(s) to anywhere (internal addresses included),
 * `file:`, redirects, websockets — is aborted.
 */
export function isAllowedRequest(url: string): boolean {
  return url.startsWith('data:') || url === 'about:blank';
}

/**
 * Renders self-contained HTML to PDF on a pooled page: `setContent` (never navigation to a URL
 * from input), JavaScript disabled, every request intercepted and all but inline data aborted,
 * page numbers in the footer.
 */
export class PdfRenderer {
  /** Requests aborted since start (the security tests read it). */
  blocked: string[] = [];

  constructor(private readonly pool: BrowserPool) {}

  /** Once per page: JavaScript off, every request through {@link isAllowedRequest}. */
  private readonly lockDown = async (page: Page) => {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      if (request.isInterceptResolutionHandled()) return;
      const url = request.url();
      if (isAllowedRequest(url)) {
        request.continue().catch(() => {});
        return;
      }
      if (this.blocked.length < 1000) this.blocked.push(url);
      if (request.isNavigationRequest()) {
        // A meta refresh, <base>/form or link target: answering "204 No Content" locally keeps
        // the document where it is (an abort would replace it with an error page).
        request.respond({ status: 204, body: '' }).catch(() => {});
      } else {
        request.abort('blockedbyclient').catch(() => {});
      }
    });
  };

  /** Runs `fn` after loading `html` into a locked-down page, within `timeoutMs` (else the pool replaces Chromium). */
  private async withContent<T>(html: string, timeoutMs: number, fn: (page: Page) => Promise<T>): Promise<T> {
    return this.pool.withPage(
      async page => {
        await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
        return fn(page);
      },
      this.lockDown,
      { ms: timeoutMs, error: () => new RenderTimeoutError(`Rendering took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`) },
    );
  }

  async render(html: string, options: RenderOptions): Promise<Buffer> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    return this.withContent(html, timeoutMs, async page => {
      const pdf = await page.pdf({
        format: options.format,
        printBackground: true,
        displayHeaderFooter: true,
        margin: { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' },
        headerTemplate: `<div style="font-size:8px;width:100%;padding:0 14mm;color:#667;font-family:sans-serif;display:flex;justify-content:space-between"><span>StackTalk Portal</span><span>${escapeHtml(options.title)}</span></div>`,
        footerTemplate:
          '<div style="font-size:8px;width:100%;padding:0 14mm;color:#667;font-family:sans-serif;text-align:right">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
        timeout: timeoutMs,
      });
      return Buffer.from(pdf);
    });
  }

  /** A PNG of the top of the first page (the report's thumbnail), from the same HTML. */
  async preview(html: string, options: { format: PaperFormat; timeoutMs?: number }): Promise<Buffer> {
    // CSS pixels of the printable width: A4 210 mm / Letter 8.5 in, less the margins.
    const width = options.format === 'A4' ? 688 : 710;
    return this.withContent(html, options.timeoutMs ?? 30_000, async page => {
      await page.setViewport({ width, height: Math.round(width * 1.35), deviceScaleFactor: 0.6 });
      try {
        return Buffer.from(await page.screenshot({ type: 'png' }));
      } finally {
        await page.setViewport({ width: 800, height: 600, deviceScaleFactor: 1 }); // puppeteer's default, for the next render
      }
    });
  }
}
