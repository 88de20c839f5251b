import puppeteer, { type Browser } from 'puppeteer-core';
import { renderToStaticMarkup } from 'react-dom/server';
import { detectChromium } from '../service/BrowserPool';
import { HEADLESS_CHROMIUM_ARGS } from '../service/chromiumArgs';
import { document, h, table } from './Document';

jest.setTimeout(60_000);

describe('report tables in print', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await puppeteer.launch({ executablePath: detectChromium()!, args: HEADLESS_CHROMIUM_ARGS });
  });
  afterAll(() => browser.close());

  it("keep the label column's words whole and break long tokens, so no table is wider than the page", async () => {
    const url = `https://api.stacktalk.example/reports/v1/${'segment/'.repeat(20)}`;
    const html = renderToStaticMarkup(
      document(
        'Tables',
        'print',
        table(
          ['Aspect', 'Value'],
          [
            ['Deployed to', 'DOKS, namespace reporting, Helm chart report-service with a long sentence that fills the column'],
            ['Public URL', h('code', null, url)],
            ['Link', h('a', { href: url }, url)],
            ['Token', `id ${'x'.repeat(160)}`],
            [h('code', null, 'REPORTS_SCHEDULER_ENABLED'), h('code', null, 'https://fra1.digitaloceanspaces.com')],
          ],
        ),
      ),
    );
    const page = await browser.newPage();
    await page.setViewport({ width: 688, height: 900 }); // A4's printable width (PdfRenderer)
    await page.emulateMediaType('print');
    await page.setContent(`<!doctype html>${html}`);
    const layout = await page.evaluate(() => {
      const cells = [...window.document.querySelectorAll('tbody tr td:first-child')];
      // A word split across lines has one client rect per line.
      const linesOf = (cell: Node, word: string) => {
        const text = cell.firstChild!;
        const range = window.document.createRange();
        const at = text.textContent!.indexOf(word);
        range.setStart(text, at);
        range.setEnd(text, at + word.length);
        return range.getClientRects().length;
      };
      const grid = window.document.querySelector('table')!;
      return {
        deployed: linesOf(cells[0], 'Deployed'),
        public: linesOf(cells[1], 'Public'),
        variable: linesOf(cells[4].firstChild!, 'REPORTS_SCHEDULER_ENABLED'),
        tableRight: grid.getBoundingClientRect().right,
        bodyWidth: window.document.body.clientWidth,
        overflowing: [...window.document.querySelectorAll('td')].filter(td => td.scrollWidth > td.clientWidth + 1).length,
      };
    });
    await page.close();
    expect(layout.deployed).toBe(1);
    expect(layout.public).toBe(1);
    expect(layout.variable).toBe(1);
    expect(layout.tableRight).toBeLessThanOrEqual(layout.bodyWidth);
    expect(layout.overflowing).toBe(0);
  });
});
