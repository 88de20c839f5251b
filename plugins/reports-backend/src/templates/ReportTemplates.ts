import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReportTemplateInfo } from '@stacktalk/plugin-reports-common';
import type { ReportSection, ReportSectionContext } from '../sections';
import { document, h } from './Document';

export interface ReportTemplate extends ReportTemplateInfo {
  /** Static HTML for the PDF; `onProgress` gets 0–1 while sections are gathered. */
  build(context: ReportSectionContext, onProgress?: (fraction: number, stage: string) => void): Promise<string>;
}

function serviceOverview(sections: () => ReportSection[]): ReportTemplate {
  return {
    id: 'service-overview',
    title: 'Service overview',
    description: 'Metadata, owner, system, lifecycle, links, APIs and relations, plus a section from every installed plugin with data for the entity',
    kinds: ['component', 'api', 'resource', 'system'],
    async build(context, onProgress) {
      const { entity } = context;
      const ordered = [...sections()].sort((a, b) => a.order - b.order);
      const rendered = [];
      for (const [i, section] of ordered.entries()) {
        onProgress?.(i / ordered.length, `gathering ${section.title.toLowerCase()}`);
        const body = await section.render(context);
        if (body) rendered.push(h('section', { key: section.id, id: section.id }, h('h2', null, section.title), body));
      }
      const generated = new Date().toISOString().slice(0, 16).replace('T', ' ');
      return `<!doctype html>${renderToStaticMarkup(
        document(entity.metadata.title ?? entity.metadata.name, `Service overview of ${stringifyEntityRef(entity)} · generated ${generated} UTC`, ...rendered),
      )}`;
    },
  };
}

/** The templates this installation offers, keyed by id. */
export function createTemplates(sections: () => ReportSection[]): Map<string, ReportTemplate> {
  return new Map([serviceOverview(sections)].map(t => [t.id, t]));
}

export function templateApplies(template: ReportTemplateInfo, entity: Entity) {
  return template.kinds.includes(entity.kind.toLowerCase());
}
