import type { ReactNode } from 'react';
import { fragment, h } from './h';

const CSS = `
  * { box-sizing: border-box; }
  body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #1b1f24; font-size: 10.5pt; margin: 0; }
  header.cover { display: flex; align-items: center; gap: 12px; border-bottom: 3px solid #36c5b0; padding-bottom: 10px; margin-bottom: 16px; }
  header.cover h1 { font-size: 20pt; margin: 0; }
  header.cover .sub { color: #5b6470; font-size: 9.5pt; }
  h2 { font-size: 13pt; border-bottom: 1px solid #d8dde3; padding-bottom: 3px; margin: 18px 0 8px; break-after: avoid; }
  h3 { font-size: 11pt; margin: 12px 0 6px; break-after: avoid; }
  table { width: 100%; border-collapse: collapse; margin: 4px 0 10px; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e6e9ed; vertical-align: top; overflow-wrap: anywhere; }
  /* A long token (a URL, an id) may break anywhere, so no table is wider than the page; headers
     and the first column, the labels (names, variables), keep their words whole: with "anywhere"
     a table squeezes a narrow column down to a letter or two ("Deploye / d to"). */
  td code, td a { overflow-wrap: anywhere; }
  th, td:first-child, td:first-child code { overflow-wrap: break-word; }
  th { background: #f3f6f8; font-size: 9pt; color: #3a4350; }
  dl.facts { display: grid; grid-template-columns: 130px 1fr; gap: 3px 12px; margin: 0; }
  dl.facts dt { color: #5b6470; }
  dl.facts dd { margin: 0; }
  .chip { display: inline-block; padding: 1px 7px; border-radius: 9px; background: #eef3f6; margin: 0 4px 2px 0; font-size: 9pt; }
  .muted { color: #6b7480; }
  pre, code { font-family: 'DejaVu Sans Mono', monospace; font-size: 8.5pt; }
  pre { background: #f5f7f9; padding: 6px 8px; white-space: pre-wrap; word-break: break-word; border-radius: 3px; }
  .admonition, details { border-left: 4px solid #36c5b0; background: #f3faf8; padding: 4px 10px; margin: 8px 0; break-inside: avoid; }
  .admonition-title { font-weight: bold; margin: 2px 0; }
  .docs-page { break-before: page; }
  .docs-page h1 { font-size: 16pt; border-bottom: 2px solid #36c5b0; }
  img { max-width: 100%; }
  .docs-page svg { max-width: 100%; max-height: 60mm; }
`;

/** The StackTalk mark, inline (the renderer loads nothing from the network). */
export function stackTalkLogo(size = 36) {
  return h(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: '0 0 32 32', width: size, height: size, role: 'img', 'aria-label': 'StackTalk' },
    h('rect', { x: 3, y: 4, width: 26, height: 6, rx: 2, fill: '#36c5b0' }),
    h('rect', { x: 3, y: 13, width: 20, height: 6, rx: 2, fill: '#7df3e1' }),
    h('path', { d: 'M3 24a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v2a2 2 0 0 1-2 2H9l-4 3v-3a2 2 0 0 1-2-2z', fill: '#ffb547' }),
  );
}

/** A whole report: print CSS, a CSP that forbids loading anything, the cover header. */
export function document(title: string, subtitle: string, ...children: ReactNode[]) {
  return h(
    'html',
    { lang: 'en' },
    h(
      'head',
      null,
      h('meta', { charSet: 'utf-8' }),
      h('meta', { httpEquiv: 'Content-Security-Policy', content: "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:" }),
      h('title', null, title),
      h('style', { dangerouslySetInnerHTML: { __html: CSS } }),
    ),
    h(
      'body',
      null,
      h('header', { className: 'cover' }, stackTalkLogo(), h('div', null, h('h1', null, title), h('div', { className: 'sub' }, subtitle))),
      ...children,
    ),
  );
}

/** A table with a header row; cells are text or elements (React escapes text). */
export function table(headers: string[], rows: ReactNode[][]) {
  return h(
    'table',
    null,
    h('thead', null, h('tr', null, ...headers.map(t => h('th', { key: t }, t)))),
    h('tbody', null, ...rows.map((cells, i) => h('tr', { key: i }, ...cells.map((c, j) => h('td', { key: j }, c))))),
  );
}

/** Definition list of label → value. */
export function facts(pairs: Array<[string, ReactNode]>) {
  return h('dl', { className: 'facts' }, ...pairs.flatMap(([k, v]) => [h('dt', { key: `${k}-t` }, k), h('dd', { key: `${k}-d` }, v)]));
}

/** A horizontal bar chart as static SVG. */
export function barChart(data: Array<{ label: string; value: number }>, width = 460, unit = '') {
  const row = 20;
  const max = Math.max(1, ...data.map(d => d.value));
  const labelWidth = 150;
  return h(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height: data.length * row + 4, role: 'img' },
    ...data.map((d, i) => {
      const w = ((width - labelWidth - 50) * d.value) / max;
      return h(
        'g',
        { key: d.label, transform: `translate(0 ${i * row + 2})` },
        h('text', { x: 0, y: 13, fontSize: 10, fill: '#3a4350' }, d.label),
        h('rect', { x: labelWidth, y: 2, width: Math.max(1, w), height: 14, rx: 2, fill: '#36c5b0' }),
        h('text', { x: labelWidth + w + 6, y: 13, fontSize: 10, fill: '#1b1f24' }, `${d.value}${unit}`),
      );
    }),
  );
}

export { fragment, h };
