import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import type { ReportSection } from '@stacktalk/plugin-reports-node';
import { barChart, facts, fragment, h, table } from './Document';

const refName = (ref: string) => {
  const r = parseEntityRef(ref);
  return `${r.kind.toLowerCase()}:${r.namespace === 'default' ? '' : `${r.namespace}/`}${r.name}`;
};
const relations = (entity: Entity, type: string) => (entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);
const HIDDEN_ANNOTATIONS = /^backstage\.io\/(managed-by|edit-url|view-url|source-location)/;

/** Metadata, owner, system, lifecycle, tags, links. */
const overview: ReportSection = {
  id: 'overview',
  title: 'Overview',
  order: 10,
  async render({ entity }) {
    const spec = (entity.spec ?? {}) as Record<string, any>;
    const owner = relations(entity, 'ownedBy')[0] ?? spec.owner;
    const system = relations(entity, 'partOf').find(r => r.startsWith('system:')) ?? spec.system;
    const links = entity.metadata.links ?? [];
    return fragment(
      entity.metadata.description ? h('p', null, entity.metadata.description) : null,
      facts([
        ['Kind / type', `${entity.kind}${spec.type ? ` · ${spec.type}` : ''}`],
        ['Owner', owner ? refName(String(owner)) : '—'],
        ['System', system ? refName(String(system)) : '—'],
        ['Lifecycle', spec.lifecycle ?? '—'],
        ...(entity.metadata.tags?.length ? [['Tags', fragment(...entity.metadata.tags.map(t => h('span', { className: 'chip', key: t }, t)))] as [string, any]] : []),
      ]),
      links.length ? fragment(h('h3', null, 'Links'), table(['Title', 'URL'], links.map(l => [l.title ?? l.type ?? '', l.url]))) : null,
    );
  },
};

/** Provided and consumed APIs, with their type, lifecycle and owner. */
const apis: ReportSection = {
  id: 'apis',
  title: 'APIs',
  order: 20,
  async render({ entity, getEntity }) {
    const rows = [
      ...relations(entity, 'providesApi').map(ref => ({ ref, direction: 'provides' })),
      ...relations(entity, 'consumesApi').map(ref => ({ ref, direction: 'consumes' })),
    ];
    if (rows.length === 0) return undefined;
    const found = await Promise.all(rows.map(r => getEntity(r.ref)));
    return table(
      ['API', 'Direction', 'Type', 'Lifecycle', 'Owner'],
      rows.map((r, i) => {
        const spec = (found[i]?.spec ?? {}) as Record<string, any>;
        const owner = found[i] ? relations(found[i]!, 'ownedBy')[0] ?? spec.owner : undefined;
        return [found[i]?.metadata.title ?? refName(r.ref), r.direction, spec.type ?? '—', spec.lifecycle ?? '—', owner ? refName(String(owner).includes(':') ? owner : `group:${owner}`) : '—'];
      }),
    );
  },
};

/** Every relation, with a chart of how many of each type. */
const relationsSection: ReportSection = {
  id: 'relations',
  title: 'Relations',
  order: 30,
  async render({ entity }) {
    const all = entity.relations ?? [];
    if (all.length === 0) return undefined;
    const counts = new Map<string, number>();
    for (const r of all) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return fragment(
      barChart([...counts].map(([label, value]) => ({ label, value }))),
      table(['Relation', 'Entity'], all.map(r => [r.type, refName(r.targetRef)])),
    );
  },
};

/** Annotations other tools read (Kubernetes id, TechDocs, streams, Excel-DNA...). */
const annotations: ReportSection = {
  id: 'annotations',
  title: 'Integrations',
  order: 40,
  async render({ entity }) {
    const list = Object.entries(entity.metadata.annotations ?? {}).filter(([k]) => !HIDDEN_ANNOTATIONS.test(k));
    if (list.length === 0) return undefined;
    return table(['Annotation', 'Value'], list.map(([k, v]) => [k, v]));
  },
};

export const BUILTIN_SECTIONS = [overview, apis, relationsSection, annotations];
