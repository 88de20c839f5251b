import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReportTemplateInfo } from '@stacktalk/plugin-reports-common';
import type { ReportSection, ReportSectionContext } from '@stacktalk/plugin-reports-node';
import { BUILTIN_SECTIONS } from './builtinSections';
import { document, h } from './Document';
import { readDocsPages, type TechDocsFileReader } from './techdocsPages';

/** What a template builds a report from. */
export interface ReportContext extends ReportSectionContext {
  /**
   * Set when the report is rendered while its requester is away (a schedule), saying why:
   * `credentials` are then the reports plugin's own, used only for the catalog and TechDocs,
   * and the sections of other plugins are left out with a line saying so.
   */
  requesterAway?: string;
}

export interface ReportTemplate extends ReportTemplateInfo {
  /** Narrower than `kinds`, e.g. only entities with TechDocs: what it takes, said in words, and the test. */
  requires?: { what: string; test(entity: Entity): boolean };
  /** Static HTML for the PDF; `onProgress` gets 0–1 while sections are gathered. */
  build(context: ReportContext, onProgress?: (fraction: number, stage: string) => void): Promise<string>;
}

function serviceOverview(sections: () => ReportSection[]): ReportTemplate {
  return {
    id: 'service-overview',
    title: 'Service overview',
    description: 'Metadata, owner, system, lifecycle, links, APIs and relations, plus a section from every installed plugin with data for the entity',
    kinds: ['component', 'api', 'resource', 'system'],
    async build(context, onProgress) {
      const { entity } = context;
      onProgress?.(0, 'gathering sections');
      const rendered = await renderSections(sections(), context, '', 'h2');
      const generated = new Date().toISOString().slice(0, 16).replace('T', ' ');
      return `<!doctype html>${renderToStaticMarkup(
        document(entity.metadata.title ?? entity.metadata.name, `Service overview of ${stringifyEntityRef(entity)} · generated ${generated} UTC`, ...rendered),
      )}`;
    },
  };
}

/**
 * The sections of one entity that have data, in order. With the requester away, only the
 * built-in sections (the catalog's own facts) are rendered; each other one is a line saying
 * it was left out and why: the portal asks a plugin only on behalf of someone present.
 */
async function renderSections(sections: ReportSection[], context: ReportContext, prefix: string, level: 'h2' | 'h3') {
  const out = [];
  for (const section of [...sections].sort((a, b) => a.order - b.order)) {
    const away = context.requesterAway && !BUILTIN_SECTIONS.includes(section);
    const body = away
      ? h('p', { className: 'muted' }, `Left out: ${context.requesterAway}. The portal asks a plugin for a section only on behalf of the person it is for; generate the report yourself to include it.`)
      : await section.render(context);
    if (body) out.push(h('section', { key: `${prefix}${section.id}`, id: `${prefix}${section.id}` }, h(level, null, section.title), body));
  }
  return out;
}

/** Every component of a system in one document, with a table of contents. */
function systemReport(sections: () => ReportSection[]): ReportTemplate {
  return {
    id: 'system-report',
    title: 'System report',
    description: 'Every component of the system in one document, with a table of contents',
    kinds: ['system'],
    async build(context, onProgress) {
      const { entity: system } = context;
      const parts = (system.relations ?? []).filter(r => r.type === 'hasPart').map(r => r.targetRef).filter(ref => ref.startsWith('component:')).sort();
      const components = [];
      for (const [i, ref] of parts.entries()) {
        onProgress?.(i / Math.max(1, parts.length), `gathering ${ref}`);
        const entity = await context.getEntity(ref);
        if (entity) components.push(entity);
      }
      const anchor = (e: Entity) => `c-${e.metadata.name}`;
      const body = [];
      body.push(...(await renderSections(sections().filter(s => s.id === 'overview'), context, 'system-', 'h2')));
      body.push(
        h('section', { key: 'toc', className: 'toc' }, h('h2', null, `Components (${components.length})`),
          h('ol', null, ...components.map(c => h('li', { key: anchor(c) }, h('a', { href: `#${anchor(c)}` }, c.metadata.title ?? c.metadata.name), h('span', { className: 'muted' }, ` · ${String((c.spec as any)?.type ?? '')} · ${String((c.spec as any)?.lifecycle ?? '')}`))))),
      );
      // The components' sections at once: a section may wait on another plugin (a stream's
      // figures wait for its reader), and one component's wait need not delay the next.
      const rendered = await Promise.all(components.map(component => renderSections(sections(), { ...context, entity: component }, `${anchor(component)}-`, 'h3')));
      for (const [i, component] of components.entries()) {
        body.push(
          h('div', { key: anchor(component), id: anchor(component), style: { breakBefore: 'page' } },
            h('h2', null, component.metadata.title ?? component.metadata.name),
            ...rendered[i]),
        );
      }
      const generated = new Date().toISOString().slice(0, 16).replace('T', ' ');
      return `<!doctype html>${renderToStaticMarkup(
        document(system.metadata.title ?? system.metadata.name, `System report of ${stringifyEntityRef(system)} · ${components.length} components · generated ${generated} UTC`, ...body),
      )}`;
    },
  };
}

/** Reads `entity`'s TechDocs site as `credentials`. */
export type TechDocsReaderFactory = (entity: Entity, credentials: BackstageCredentials) => TechDocsFileReader;

/** An entity's whole TechDocs site as one PDF: cover, table of contents, a chapter per page (at most `maxPages`). */
function techdocsPdf(readerFor: TechDocsReaderFactory, maxPages?: number): ReportTemplate {
  return {
    id: 'techdocs',
    title: 'TechDocs to PDF',
    description: "The entity's whole documentation site as one PDF with a table of contents, headers, footers and page numbers",
    kinds: ['component', 'api', 'resource', 'system', 'domain'],
    requires: {
      what: 'entities with TechDocs (a backstage.io/techdocs-ref annotation)',
      test: entity => !!entity.metadata.annotations?.['backstage.io/techdocs-ref'],
    },
    async build({ entity, credentials }, onProgress) {
      const pages = await readDocsPages(readerFor(entity, credentials), {
        maxPages,
        onPage: (done, total) => onProgress?.(done / total, `reading page ${done + 1} of ${total}`),
      });
      const anchor = (i: number) => `page-${i}`;
      const generated = new Date().toISOString().slice(0, 16).replace('T', ' ');
      const toc = h('section', { key: 'toc', className: 'toc' }, h('h2', null, 'Contents'),
        h('ol', null, ...pages.map((p, i) => h('li', { key: anchor(i) }, h('a', { href: `#${anchor(i)}` }, p.title)))));
      const chapters = pages.map((p, i) => h('section', { key: anchor(i), id: anchor(i), className: 'docs-page', dangerouslySetInnerHTML: { __html: p.html } }));
      return `<!doctype html>${renderToStaticMarkup(
        document(`${entity.metadata.title ?? entity.metadata.name}: documentation`, `TechDocs of ${stringifyEntityRef(entity)} · ${pages.length} pages · generated ${generated} UTC`, toc, ...chapters),
      )}`;
    },
  };
}

/** The templates this installation offers, keyed by id. */
export function createTemplates(sections: () => ReportSection[], options: { techdocs?: TechDocsReaderFactory; maxTechDocsPages?: number } = {}): Map<string, ReportTemplate> {
  const { techdocs, maxTechDocsPages } = options;
  const all = [serviceOverview(sections), systemReport(sections), ...(techdocs ? [techdocsPdf(techdocs, maxTechDocsPages)] : [])];
  return new Map(all.map(t => [t.id, t]));
}

/** Why `template` cannot report on `entity` (undefined: it can). */
export function templateRefusal(template: ReportTemplate, entity: Entity): string | undefined {
  if (!template.kinds.includes(entity.kind.toLowerCase())) return `${template.title} is for ${template.kinds.join(', ')} entities, not ${entity.kind}`;
  if (template.requires && !template.requires.test(entity)) return `${template.title} is for ${template.requires.what}: ${stringifyEntityRef(entity)} has none`;
  return undefined;
}
