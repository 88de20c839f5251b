import { parseDocument } from 'htmlparser2';
import { findAll, findOne, getAttributeValue, removeElement, textContent } from 'domutils';
import render from 'dom-serializer';
import type { Element } from 'domhandler';

/** Reads one file of an entity's published TechDocs site; undefined when it does not exist. */
export type TechDocsFileReader = (path: string) => Promise<{ body: Buffer; contentType: string } | undefined>;

export class DocsNotGeneratedError extends Error {
  name = 'DocsNotGeneratedError';
}

export interface DocsPage {
  path: string;
  title: string;
  /** Sanitized article HTML: no scripts, frames, styles or external references; images inlined. */
  html: string;
}

const DROP = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button', 'link', 'meta', 'base', 'style', 'video', 'audio', 'source', 'track', 'noscript', 'template', 'image', 'use']);
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** Decoded as a server might (up to three times: `%252e` → `%2e` → `.`); undefined when malformed. */
function decodedForms(path: string): string[] | undefined {
  const forms = [path];
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(forms[forms.length - 1]);
      if (next === forms[forms.length - 1]) break;
      forms.push(next);
    } catch {
      return undefined;
    }
  }
  return forms;
}

/**
 * `path` when it names a file inside the entity's own site: relative, no `.` or `..` segment,
 * no backslash, control character or empty segment, in any decoding of it. Undefined otherwise.
 */
export function siteFilePath(path: string): string | undefined {
  const forms = decodedForms(path);
  if (!path || !forms) return undefined;
  for (const form of forms) {
    // eslint-disable-next-line no-control-regex
    if (/[\\\x00-\x1f\x7f]/.test(form) || form.startsWith('/')) return undefined;
    if (form.split('/').some(segment => segment === '' || segment === '.' || segment === '..')) return undefined;
  }
  return path;
}

/** A path inside the site for a reference from `page`; undefined for anything outside it. */
export function resolveInSite(page: string, ref: string): string | undefined {
  if (!ref || /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//') || ref.startsWith('/') || ref.includes('\\')) return undefined;
  const base = page.split('/').slice(0, -1);
  for (const part of ref.split(/[?#]/)[0].split('/')) {
    if (part === '..') {
      if (base.length === 0) return undefined;
      base.pop();
    } else if (part && part !== '.') base.push(part);
  }
  return siteFilePath(base.join('/'));
}

/**
 * The printable part of a mkdocs page, made safe for the renderer: only the article; every
 * element that can load something or run is removed, styles and event handlers dropped, images
 * of the site itself inlined as data: URIs, anything else replaced by its alt text.
 */
export async function sanitizeArticle(pageHtml: string, pagePath: string, read: TechDocsFileReader): Promise<{ title: string; html: string }> {
  const doc = parseDocument(pageHtml);
  const article = findOne(el => el.name === 'article', doc.children, true) ?? findOne(el => el.name === 'body', doc.children, true);
  if (!article) return { title: pagePath, html: '' };
  // Also the theme's chrome: heading anchors, "edit this page" buttons, source-file footers.
  const chrome = (e: Element) => /\b(headerlink|md-content__button|md-source-file)\b/.test(e.attribs.class ?? '');
  for (const el of findAll(e => DROP.has(e.name) || chrome(e), [article])) removeElement(el);
  for (const el of findAll(() => true, [article])) {
    for (const name of Object.keys(el.attribs)) {
      const value = el.attribs[name];
      if (name === 'style' || name.startsWith('on') || name === 'srcset' || name === 'background' || name === 'poster' || /url\(/i.test(value)) delete el.attribs[name];
    }
    if (el.name === 'a' && el.attribs.href && !/^(https?:|mailto:|#)/i.test(el.attribs.href)) delete el.attribs.href;
  }
  for (const img of findAll(e => e.name === 'img', [article]) as Element[]) {
    const src = getAttributeValue(img, 'src') ?? '';
    const inSite = resolveInSite(pagePath, src);
    const file = inSite ? await read(inSite) : undefined;
    if (file && file.contentType.startsWith('image/') && file.body.length <= MAX_IMAGE_BYTES) {
      img.attribs.src = `data:${file.contentType};base64,${file.body.toString('base64')}`;
    } else {
      const alt = img.attribs.alt || 'image';
      const note = parseDocument(`<span class="muted">[${inSite ? '' : 'external '}image: ${escapeText(alt)}]</span>`).children[0];
      img.parent?.children.splice(img.parent.children.indexOf(img), 1, note as any);
      (note as any).parent = img.parent;
    }
  }
  const h1 = findOne(el => el.name === 'h1', [article], true);
  return { title: h1 ? textContent(h1).replace('¶', '').trim() : pagePath, html: render(article.children as any) };
}

function escapeText(s: string) {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The site's pages in navigation order (mkdocs' search index lists them that way), at most
 * `maxPages` of them and then a page saying how many were left out. Locations that leave the
 * site are skipped.
 */
export async function readDocsPages(
  read: TechDocsFileReader,
  options: { maxPages?: number; onPage?: (done: number, total: number) => void } = {},
): Promise<DocsPage[]> {
  const { maxPages = Infinity, onPage } = options;
  if (!(await read('techdocs_metadata.json'))) throw new DocsNotGeneratedError('docs not generated yet: this entity has no built TechDocs site; open its Docs tab or wait for the warm-up build, then try again');
  const index = await read('search/search_index.json');
  let paths: string[] = [];
  if (index) {
    const docs = JSON.parse(index.body.toString('utf8')).docs as Array<{ location: string }>;
    paths = [...new Set(docs.map(d => d.location.split('#')[0]))];
  }
  if (paths.length === 0) paths = [''];
  const files = paths.map(location => siteFilePath(`${location}${location === '' || location.endsWith('/') ? 'index.html' : ''}`)).filter((p): p is string => !!p);
  const pages: DocsPage[] = [];
  const kept = files.slice(0, maxPages);
  for (const [i, path] of kept.entries()) {
    onPage?.(i, kept.length);
    const file = await read(path);
    if (!file) continue;
    const { title, html } = await sanitizeArticle(file.body.toString('utf8'), path, read);
    pages.push({ path, title, html });
  }
  if (files.length > kept.length) {
    pages.push({
      path: '',
      title: 'Left out',
      html: `<p>The site has ${files.length} pages; this PDF holds the first ${kept.length} (reports.limits.maxTechDocsPages).</p>`,
    });
  }
  return pages;
}
