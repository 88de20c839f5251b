import { DecoratorBase } from '@backstage/plugin-search-backend-node';
import type { DocumentDecoratorFactory, IndexableDocument } from '@backstage/plugin-search-common';

/** A section of a page: the page's location followed by `#anchor`. */
function isSectionOf(doc: IndexableDocument, page: IndexableDocument): boolean {
  return doc.location.startsWith(`${page.location}#`);
}

/**
 * mkdocs' search index holds every page twice: once whole ("Runbook", the full text) and once per
 * section ("Runbook" again for the h1, "Nightly reconciliation", ...). The TechDocs collator indexes
 * both, so a phrase matches the page and its section, and a page's title appears twice. This drops
 * the whole-page entry of every page that has sections (they come right after it in the stream);
 * a page without headings keeps its one entry.
 */
export class TechDocsPageDeduplicator extends DecoratorBase {
  private held?: IndexableDocument;

  async initialize(): Promise<void> {}

  async decorate(doc: IndexableDocument): Promise<IndexableDocument[]> {
    const held = this.held;
    this.held = undefined;
    if (held && isSectionOf(doc, held)) return [doc];
    const out = held ? [held] : [];
    if (!doc.location.includes('#')) {
      this.held = doc;
      return out;
    }
    return [...out, doc];
  }

  async finalize(): Promise<void> {
    if (this.held) this.push(this.held);
    this.held = undefined;
  }
}

export const techDocsPageDeduplicatorFactory: DocumentDecoratorFactory = {
  types: ['techdocs'],
  getDecorator: async () => new TechDocsPageDeduplicator(),
};
