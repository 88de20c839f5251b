import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { RELATION_HAS_PART, parseEntityRef, type Entity } from '@backstage/catalog-model';
import techdocsPlugin from '@backstage/plugin-techdocs/alpha';
import apiDocsPlugin from '@backstage/plugin-api-docs/alpha';

/** Docs exist where the entity names a TechDocs source or another entity's docs. */
export function hasTechDocs(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(annotations['backstage.io/techdocs-ref'] || annotations['backstage.io/techdocs-entity']);
}

/** Components and systems that are made of at least one API. */
export function hasApiParts(entity: Entity): boolean {
  if (!['Component', 'System'].includes(entity.kind)) return false;
  return (entity.relations ?? []).some(
    r => r.type.toLowerCase() === RELATION_HAS_PART.toLowerCase() && parseEntityRef(r.targetRef).kind === 'api',
  );
}

// Stock: a TechDocs tab on every entity, which shows "Missing annotation" on groups, users,
// resources and components without docs.
const techdocsTab = techdocsPlugin.getExtension('entity-content:techdocs').override({
  params: { filter: hasTechDocs },
});

export const techdocsTabModule = createFrontendModule({
  pluginId: 'techdocs',
  extensions: [techdocsTab],
});

// Stock: the "APIs" card only on components; a system's APIs were only visible in its graph.
const hasApisCard = apiDocsPlugin.getExtension('entity-card:api-docs/has-apis').override({
  params: { filter: hasApiParts },
});

export const apiDocsCardsModule = createFrontendModule({
  pluginId: 'api-docs',
  extensions: [hasApisCard],
});
