import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import type { ReportSection, ReportSectionContext } from '../sections';
import { BarChart } from './Document';

const refName = (ref: string) => {
  const r = parseEntityRef(ref);
  return `${r.kind.toLowerCase()}:${r.namespace === 'default' ? '' : `${r.namespace}/`}${r.name}`;
};
const relations = (entity: Entity, type: string) => (entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);

/** Metadata, owner, system, lifecycle, tags, links. */
const overview: ReportSection = {
  id: 'overview',
  title: 'Overview',
  order: 10,
  async render({ entity }) {
    const spec = (entity.spec ?? {}) as Record<string, any>;
    const owner = relations(entity, 'ownedBy')[0] ?? spec.owner;
    const system = relations(entity, 'partOf').find(r => r.startsWith('system:')) ?? spec.system;
    return (
      <>
        {entity.metadata.description && <p>{entity.metadata.description}</p>}
        <dl className="facts">
          <dt>Kind / type</dt>
          <dd>{entity.kind}{spec.type ? ` · ${spec.type}` : ''}</dd>
          <dt>Owner</dt>
          <dd>{owner ? refName(String(owner)) : '—'}</dd>
          <dt>System</dt>
          <dd>{system ? refName(String(system)) : '—'}</dd>
          <dt>Lifecycle</dt>
          <dd>{spec.lifecycle ?? '—'}</dd>
          {entity.metadata.tags?.length ? (
            <>
              <dt>Tags</dt>
              <dd>{entity.metadata.tags.map(t => <span className="chip" key={t}>{t}</span>)}</dd>
            </>
          ) : null}
        </dl>
        {entity.metadata.links?.length ? (
          <>
            <h3>Links</h3>
            <table>
              <thead><tr><th>Title</th><th>URL</th></tr></thead>
              <tbody>
                {entity.metadata.links.map(l => (
                  <tr key={l.url}><td>{l.title ?? l.type ?? ''}</td><td>{l.url}</td></tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </>
    );
  },
};

/** Provided and consumed APIs, with their type and lifecycle. */
const apis: ReportSection = {
  id: 'apis',
  title: 'APIs',
  order: 20,
  async render({ entity, getEntity }: ReportSectionContext) {
    const rows = [
      ...relations(entity, 'providesApi').map(ref => ({ ref, direction: 'provides' })),
      ...relations(entity, 'consumesApi').map(ref => ({ ref, direction: 'consumes' })),
    ];
    if (rows.length === 0) return undefined;
    const apiEntities = await Promise.all(rows.map(r => getEntity(r.ref)));
    return (
      <table>
        <thead><tr><th>API</th><th>Direction</th><th>Type</th><th>Lifecycle</th><th>Owner</th></tr></thead>
        <tbody>
          {rows.map((r, i) => {
            const api = apiEntities[i];
            const spec = (api?.spec ?? {}) as Record<string, any>;
            return (
              <tr key={`${r.direction}-${r.ref}`}>
                <td>{api?.metadata.title ?? refName(r.ref)}</td>
                <td>{r.direction}</td>
                <td>{spec.type ?? '—'}</td>
                <td>{spec.lifecycle ?? '—'}</td>
                <td>{spec.owner ? refName(String(spec.owner).includes(':') ? spec.owner : `group:${spec.owner}`) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
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
    return (
      <>
        <BarChart data={[...counts].map(([label, value]) => ({ label, value }))} />
        <table>
          <thead><tr><th>Relation</th><th>Entity</th></tr></thead>
          <tbody>
            {all.map(r => (
              <tr key={`${r.type}-${r.targetRef}`}><td>{r.type}</td><td>{refName(r.targetRef)}</td></tr>
            ))}
          </tbody>
        </table>
      </>
    );
  },
};

/** Annotations other tools read (Kubernetes id, TechDocs, streams, Excel-DNA...). */
const annotations: ReportSection = {
  id: 'annotations',
  title: 'Integrations',
  order: 40,
  async render({ entity }) {
    const list = Object.entries(entity.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('backstage.io/managed-by') && !k.startsWith('backstage.io/edit-url') && !k.startsWith('backstage.io/view-url'));
    if (list.length === 0) return undefined;
    return (
      <table>
        <thead><tr><th>Annotation</th><th>Value</th></tr></thead>
        <tbody>{list.map(([k, v]) => <tr key={k}><td>{k}</td><td>{v}</td></tr>)}</tbody>
      </table>
    );
  },
};

export const BUILTIN_SECTIONS = [overview, apis, relationsSection, annotations];
