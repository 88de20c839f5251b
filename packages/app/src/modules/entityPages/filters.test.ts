import type { Entity } from '@backstage/catalog-model';
import { hasApiParts, hasTechDocs } from './index';

const entity = (kind: string, extra: Partial<Entity> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', ...(extra.metadata ?? {}) },
  relations: extra.relations,
});

describe('entity page filters', () => {
  it('shows the TechDocs tab only where docs exist', () => {
    expect(hasTechDocs(entity('Component', { metadata: { name: 'x', annotations: { 'backstage.io/techdocs-ref': 'dir:.' } } }))).toBe(true);
    expect(hasTechDocs(entity('System', { metadata: { name: 'x', annotations: { 'backstage.io/techdocs-entity': 'component:default/y' } } }))).toBe(true);
    for (const kind of ['Group', 'User', 'Resource', 'Component', 'API']) expect(hasTechDocs(entity(kind))).toBe(false);
  });

  it('shows the APIs card on components and systems made of APIs', () => {
    const relations = [{ type: 'hasPart', targetRef: 'api:default/stacktalk-report-api' }];
    expect(hasApiParts(entity('System', { relations }))).toBe(true);
    expect(hasApiParts(entity('Component', { relations }))).toBe(true);
    expect(hasApiParts(entity('System', { relations: [{ type: 'hasPart', targetRef: 'component:default/a' }] }))).toBe(false);
    expect(hasApiParts(entity('Domain', { relations }))).toBe(false);
  });
});
