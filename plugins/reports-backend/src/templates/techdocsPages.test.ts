import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { BrowserPool, detectChromium } from '../service/BrowserPool';
import { PdfRenderer } from '../service/PdfRenderer';
import { createTemplates } from './ReportTemplates';
import { readDocsPages, resolveInSite, type TechDocsFileReader } from './techdocsPages';

jest.setTimeout(120_000);

// A 1×1 PNG, the site's own image.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const TYPES: Record<string, string> = { '.html': 'text/html', '.json': 'application/json', '.png': 'image/png' };

function siteReader(dir: string): TechDocsFileReader & { asked: string[] } {
  const asked: string[] = [];
  const read = async (path: string) => {
    asked.push(path);
    const file = join(dir, path);
    return existsSync(file) && !file.endsWith('/') ? { body: readFileSync(file), contentType: TYPES[extname(file)] ?? 'application/octet-stream' } : undefined;
  };
  return Object.assign(read, { asked });
}

describe('TechDocs to PDF, from a site built by the real mkdocs', () => {
  const pool = new BrowserPool({ executablePath: detectChromium()!, concurrency: 1 });
  afterAll(() => pool.close());

  it('prints every page in navigation order with a table of contents, inlines the site images and loads nothing else', async () => {
    let requests = 0;
    let connections = 0;
    const canary = createServer((_q, r) => {
      requests++;
      r.end('x');
    });
    canary.on('connection', () => connections++);
    await new Promise<void>(r => canary.listen(0, '127.0.0.1', r));
    const c = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;

    const root = mkdtempSync(join(tmpdir(), 'techdocs-pdf-'));
    mkdirSync(join(root, 'docs/img'), { recursive: true });
    writeFileSync(join(root, 'docs/img/diagram.png'), PNG);
    writeFileSync(join(root, 'mkdocs.yml'), 'site_name: Voice gateway\nnav:\n  - Overview: index.md\n  - Runbook: runbook.md\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\nmarkdown_extensions:\n  - admonition\n');
    writeFileSync(join(root, 'docs/index.md'), `# Voice gateway overview\n\nThe gateway terminates SIP.\n\n![diagram](img/diagram.png)\n\n![tracker](${c}/md-image.png)\n\n<iframe src="${c}/md-iframe"></iframe>\n<img src="${c}/html-img" srcset="${c}/srcset 2x">\n<div style="background:url(${c}/css-url)">styled</div>\n<link rel="stylesheet" href="${c}/md-css">\n<script>fetch("${c}/md-script")</script>\n\n[a link to the canary](${c}/link)\n`);
    writeFileSync(join(root, 'docs/runbook.md'), '# Runbook\n\n!!! warning "Pager"\n    Page the voice on-call first.\n\n| Alert | Action |\n|---|---|\n| sip_5xx | restart |\n');
    execFileSync('mkdocs', ['build', '-q', '-d', join(root, 'site')], { cwd: root });

    const read = siteReader(join(root, 'site'));
    writeFileSync(join(root, 'site/techdocs_metadata.json'), JSON.stringify({ site_name: 'Voice gateway' }));
    const pages = await readDocsPages(read);
    expect(pages.map(p => [p.path, p.title])).toEqual([
      ['index.html', 'Voice gateway overview'],
      ['runbook/index.html', 'Runbook'],
    ]);
    expect(pages[0].html).toContain('src="data:image/png;base64,');
    expect(pages[0].html).not.toContain(`${c}/md-image`); // replaced by its alt text
    expect(read.asked.every(p => !p.includes('127.0.0.1'))).toBe(true); // only site paths are read

    const template = createTemplates(() => [], { techdocs: () => read }).get('techdocs')!;
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'voice-gateway', title: 'Voice gateway', annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }, spec: {} };
    const html = await template.build({ entity, credentials: {} as any, getEntity: async () => undefined, signal: new AbortController().signal });
    const pdf = await new PdfRenderer(pool).render(html, { format: 'A4', title: 'TechDocs' });
    await new Promise(r => setTimeout(r, 300));
    canary.closeAllConnections();
    canary.close();
    expect([requests, connections]).toEqual([0, 0]);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString();
    expect(text).toMatch(/Contents[\s\S]*Voice gateway overview[\s\S]*Runbook/);
    expect(text).toContain('Page the voice on-call first.');
    expect(text).toContain('[external image: tracker]');
    expect(text).toMatch(/Page 3 of 3/); // cover + contents, then a page per chapter
  });

  it('fails with "docs not generated yet" when the entity has no built site', async () => {
    const read = siteReader(mkdtempSync(join(tmpdir(), 'techdocs-empty-')));
    await expect(readDocsPages(read)).rejects.toThrow(/^docs not generated yet/);
  });

  it('resolves references only inside the site', () => {
    expect(resolveInSite('guide/index.html', '../img/a.png')).toBe('img/a.png');
    expect(resolveInSite('index.html', 'img/a.png?x=1')).toBe('img/a.png');
    for (const ref of ['http://127.0.0.1/x', '//evil/x', '/etc/passwd', 'file:///etc/passwd', '../../x', 'data:image/png;base64,AA', '%2e%2e/%2e%2e/x', 'img\\..\\..\\x', '%252e%252e/x']) {
      expect([ref, resolveInSite('index.html', ref)]).toEqual([ref, undefined]);
    }
  });
});
