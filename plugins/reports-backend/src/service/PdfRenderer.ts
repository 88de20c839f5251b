import type { CDPSession, HTTPRequest, Page } from 'puppeteer-core';
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

/** A CSS string with every character but plain letters, digits and spaces as a CSS escape (no `"`, `\\` or `</style>` survives). */
export function cssString(text: string): string {
  return `"${Array.from(text, c => (/[A-Za-z0-9 ]/.test(c) ? c : `\\${c.codePointAt(0)!.toString(16)} `)).join('')}"`;
}

const PAPER = { A4: 'A4', Letter: 'letter' } as const;

/**
 * Page size, margins, the header (portal, title) and footer ("Page N of M") as CSS page-margin
 * boxes, laid out by the page's own print layout. Puppeteer's header/footer templates are a
 * second document Chromium lays out for every page (about 15 ms a PDF with the headless shell).
 */
export function pageCss(options: Pick<RenderOptions, 'format' | 'title'>): string {
  const furniture = "font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 6pt; color: #667;";
  return (
    `@page { size: ${PAPER[options.format]}; margin: 18mm 14mm 16mm 14mm;` +
    ` @top-left { content: "StackTalk Portal"; ${furniture} vertical-align: middle; }` +
    ` @top-right { content: ${cssString(options.title)}; ${furniture} vertical-align: middle; }` +
    ` @bottom-right { content: "Page " counter(page) " of " counter(pages); ${furniture} vertical-align: middle; } }`
  );
}

/** `html` with {@link pageCss} as the first style of its head (a document's own `@page` rules come later and win). */
export function withPageFurniture(html: string, options: Pick<RenderOptions, 'format' | 'title'>): string {
  const style = `<style>${pageCss(options)}</style>`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + style + html.slice(head.index + head[0].length);
  return style + html;
}

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

  /** A protocol session per pooled page, opened on its first render and kept for its life. */
  private readonly sessions = new WeakMap<Page, Promise<CDPSession>>();

  constructor(private readonly pool: BrowserPool) {}

  private session(page: Page): Promise<CDPSession> {
    let session = this.sessions.get(page);
    if (!session) {
      session = page.createCDPSession();
      this.sessions.set(page, session);
    }
    return session;
  }

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
    return this.withContent(withPageFurniture(html, options), timeoutMs, async page => {
      // As page.pdf() does, web fonts of the document loaded (the protocol's evaluation runs
      // with the page's JavaScript off, as setContent's does); a protocol round trip, spared
      // when the document declares none (the templates use the system's DejaVu fonts).
      if (/@font-face/i.test(html)) await page.evaluate(() => document.fonts.ready.then(() => undefined));
      // Page.printToPDF itself, the PDF in its answer: page.pdf() asks for a stream and reads it
      // back in chunks, one protocol round trip each (README, "Where the time goes").
      const { data } = await (await this.session(page)).send('Page.printToPDF', {
        printBackground: true,
        preferCSSPageSize: true, // size and margins from pageCss()
        generateTaggedPDF: true,
        generateDocumentOutline: true,
        transferMode: 'ReturnAsBase64',
      });
      return Buffer.from(data, 'base64');
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
