import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { BrowserPool } from './BrowserPool';
import { PdfRenderer } from './PdfRenderer';
import { detectFullChromium, detectHeadlessShell } from './chromiumArgs';
import { createTemplates } from '../templates/ReportTemplates';
import { BUILTIN_SECTIONS } from '../templates/builtinSections';

jest.setTimeout(180_000);

const shell = detectHeadlessShell();
const full = detectFullChromium();
if (!shell || !full) throw new Error('This test needs both browsers: apt-get install chromium chromium-headless-shell');

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'stacktalk-report-service',
    title: 'Report service',
    description: 'FastAPI service for unified PDF reporting: templates, on-demand and scheduled jobs.',
    tags: ['python', 'fastapi', 'pdf'],
    links: [{ url: 'https://github.com/stacktalk/stacktalk-report-service', title: 'Repository' }],
    annotations: { 'backstage.io/kubernetes-id': 'stacktalk-report-service' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/reporting' },
  relations: Array.from({ length: 40 }, (_, i) => ({ type: i % 3 ? 'dependsOn' : 'consumesApi', targetRef: `resource:default/dependency-${i}` })),
};

/** A grey page image: width, height, one byte a pixel (pdftoppm's PGM). */
interface Gray {
  width: number;
  height: number;
  pixels: Buffer;
}

function pageImages(pdf: Buffer, dir: string, name: string): Gray[] {
  writeFileSync(join(dir, `${name}.pdf`), pdf);
  execFileSync('pdftoppm', ['-r', '60', '-gray', join(dir, `${name}.pdf`), join(dir, name)]);
  execFileSync('pdftoppm', ['-r', '60', '-png', join(dir, `${name}.pdf`), join(dir, name)]); // to look at
  return readdirSync(dir)
    .filter(f => f.startsWith(`${name}-`) && f.endsWith('.pgm'))
    .sort()
    .map(f => {
      const data = readFileSync(join(dir, f));
      const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 40).toString('latin1'))!;
      return { width: Number(header[1]), height: Number(header[2]), pixels: data.subarray(header[0].length) };
    });
}

/** Share of pixels whose grey differs by more than 48 of 255 (anti-aliasing differs by less). */
function differingShare(a: Gray, b: Gray): number {
  let differing = 0;
  for (let i = 0; i < a.pixels.length; i++) if (Math.abs(a.pixels[i] - b.pixels[i]) > 48) differing++;
  return differing / a.pixels.length;
}

const info = (pdf: Buffer) => execFileSync('pdfinfo', ['-'], { input: pdf }).toString();
const links = (dir: string, name: string) => execFileSync('pdfinfo', ['-url', join(dir, `${name}.pdf`)]).toString();
const outline = (dir: string, name: string) =>
  /<outline>[\s\S]*<\/outline>/.exec(execFileSync('pdftohtml', ['-xml', '-stdout', '-i', join(dir, `${name}.pdf`)]).toString())?.[0];

describe('the headless shell and the full Chromium print the same PDF', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'reports-browsers-'));
  const pools = [new BrowserPool({ executablePath: shell, concurrency: 1 }), new BrowserPool({ executablePath: full, concurrency: 1 })];
  afterAll(async () => {
    await Promise.all(pools.map(p => p.close()));
    if (!process.env.KEEP_REPORT_IMAGES) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['A4', 'Letter'] as const)('a service overview in %s: same pages, page images, text, links and outline', async format => {
    const report = await createTemplates(() => BUILTIN_SECTIONS)
      .get('service-overview')!
      .build({ entity, credentials: {} as any, getEntity: async () => undefined, signal: new AbortController().signal });
    // The service overview prints URLs as text; links as the system report's contents and TechDocs have them.
    const html = report.replace('</body>', '<h2 id="more">More</h2><p><a href="https://docs.example.com/report-service">Docs</a> · <a href="#more">here</a></p></body>');
    const [a, b] = await Promise.all(pools.map(pool => new PdfRenderer(pool).render(html, { format, title: 'Service overview — "Report" <service>' })));
    const [shellPages, fullPages] = [pageImages(a, dir, `shell-${format}`), pageImages(b, dir, `full-${format}`)];

    const size = (pdf: Buffer) => /Page size:\s+(.*)/.exec(info(pdf))![1];
    expect(size(a)).toBe(size(b));
    expect(size(a)).toMatch(format === 'A4' ? /^594\.96 x 841\.92 pts/ : /^612 x 792 pts/);
    expect(shellPages.length).toBeGreaterThan(1);
    expect(fullPages.length).toBe(shellPages.length);
    shellPages.forEach((page, i) => {
      expect([i, page.width, page.height]).toEqual([i, fullPages[i].width, fullPages[i].height]);
      const share = differingShare(page, fullPages[i]);
      expect(share < 0.002 ? 'same' : `page ${i + 1}: ${(share * 100).toFixed(2)} % of its pixels differ`).toBe('same');
    });

    const text = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString();
    expect(text(a)).toBe(text(b));
    expect(text(a)).toContain(`Page ${shellPages.length} of ${shellPages.length}`);
    expect(text(a)).toContain('Service overview — "Report" <service>');
    expect(links(dir, `shell-${format}`)).toContain('https://docs.example.com/report-service');
    expect(links(dir, `shell-${format}`)).toBe(links(dir, `full-${format}`));
    expect(outline(dir, `shell-${format}`)).toMatch(/Relations[\s\S]*More/);
    expect(outline(dir, `shell-${format}`)).toBe(outline(dir, `full-${format}`));
  });
});
