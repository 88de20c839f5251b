import { execFileSync } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrowserPool, detectChromium } from './BrowserPool';
import { PdfRenderer, isAllowedRequest } from './PdfRenderer';

jest.setTimeout(120_000);

// As configured by someone who read `dpkg -L chromium-headless-shell`: its wrapper script.
const chromium = detectChromium('/usr/bin/chromium-headless-shell');
if (!chromium) throw new Error('These tests need the headless shell: apt-get install chromium-headless-shell');

/** A local HTTP server that counts every request and every TCP connection: both must stay at zero. */
async function startCanary() {
  const hits: string[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/css' }).end('body{}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      return new Promise(r => server.close(r));
    },
  };
}

function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}

describe('PdfRenderer', () => {
  const pool = new BrowserPool({ executablePath: chromium, concurrency: 2 });
  const renderer = new PdfRenderer(pool);
  afterAll(() => pool.close());

  it('renders self-contained HTML to a PDF with page numbers', async () => {
    const pdf = await renderer.render('<h1>Service overview</h1><p>stacktalk-report-service</p>', { format: 'A4', title: 'Report & <test>' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('stacktalk-report-service');
    expect(text).toMatch(/Page 1 of 1/);
    expect(text).toContain('Report & <test>'); // escaped into the header, shown literally
  });

  it('makes no request to a canary reachable from every place HTML can reference, and still produces the PDF', async () => {
    const canary = await startCanary();
    const u = (what: string) => `${canary.url}/${what}`;
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="${u('link-css')}">
      <link rel="prefetch" href="${u('prefetch')}"><link rel="preconnect" href="${canary.url}"><link rel="icon" href="${u('favicon')}">
      <meta http-equiv="refresh" content="0;url=${u('meta-refresh')}">
      <style>@import url("${u('css-import')}"); body { background: url("${u('css-bg')}"); }
        @font-face { font-family: x; src: url("${u('font')}"); } h1 { font-family: x; }</style>
      <script src="${u('script')}"></script><script>fetch("${u('inline-fetch')}")</script>
      <base href="${u('base/')}">
    </head><body>
      <h1>Canary entity</h1>
      <img src="${u('img')}"><img srcset="${u('srcset')} 2x"><img src="file:///etc/passwd">
      <iframe src="${u('iframe')}"></iframe><iframe srcdoc="<img src='${u('srcdoc-img')}'>"></iframe>
      <object data="${u('object')}"></object><embed src="${u('embed')}">
      <video poster="${u('poster')}" src="${u('video')}"></video><audio src="${u('audio')}"></audio>
      <svg><image href="${u('svg-image')}" width="10" height="10"/></svg>
      <div style="background-image:url('${u('inline-style')}')">styled</div>
      <a href="${u('link')}">a link stays a link</a>
      <img src="relative.png">
      <form action="${u('form')}"><input type="image" src="${u('input-image')}"></form>
    </body></html>`;
    const pdf = await renderer.render(html, { format: 'Letter', title: 'Canary' });
    await new Promise(r => setTimeout(r, 500)); // anything late would arrive now
    const connections = canary.connections();
    await canary.close();
    expect(canary.hits).toEqual([]);
    // Not even a speculative preconnect: Chromium has no network below the interception.
    expect(connections).toBe(0);
    expect(pdfText(pdf)).toContain('Canary entity');
    expect(renderer.blocked).toEqual(expect.arrayContaining([u('img'), u('link-css'), u('iframe'), u('css-bg')]));
  });

  it('allows only inline data', () => {
    expect(isAllowedRequest('data:image/svg+xml;base64,AAAA')).toBe(true);
    for (const url of ['http://127.0.0.1:7007/x', 'https://example.com', 'file:///etc/passwd', 'ws://x', 'chrome://settings', 'http://169.254.169.254/']) {
      expect([url, isAllowedRequest(url)]).toEqual([url, false]);
    }
  });

  it('fails a render that exceeds its timeout with a clear message, replaces that Chromium, and keeps working', async () => {
    const huge = `<table>${'<tr><td>row</td><td>cell</td></tr>'.repeat(60_000)}</table>`;
    await renderer.render('<p>warm</p>', { format: 'A4', title: 'warm' });
    const launches = pool.stats.launches;
    await expect(renderer.render(huge, { format: 'A4', title: 'slow', timeoutMs: 50 })).rejects.toThrow(/longer than 0 s|longer than/);
    const pdf = await renderer.render('<p>after the timeout</p>', { format: 'A4', title: 'ok' });
    expect(pdfText(pdf)).toContain('after the timeout');
    expect(pool.stats.launches).toBe(launches + 1); // the possibly wedged one was killed
  });

  it('recovers when the Chromium it runs is killed between renders', async () => {
    await renderer.render('<p>before</p>', { format: 'A4', title: 'x' });
    const launches = pool.stats.launches;
    const pid = (await pool.pid())!;
    // The pid the pool knows is the browser's own process (not a wrapper script's): it is the headless shell.
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe('/usr/lib/chromium/chromium-headless-shell');
    process.kill(pid, 'SIGKILL');
    await new Promise(r => setTimeout(r, 300));
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    const pdf = await renderer.render('<p>after the crash</p>', { format: 'A4', title: 'x' });
    expect(pdfText(pdf)).toContain('after the crash');
    expect(pool.stats.launches).toBe(launches + 1);
    const relaunched = (await pool.pid())!;
    expect(relaunched).not.toBe(pid);
    expect(readlinkSync(`/proc/${relaunched}/exe`)).toBe('/usr/lib/chromium/chromium-headless-shell');
  });
});
