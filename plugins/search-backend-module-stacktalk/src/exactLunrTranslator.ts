import type { ConcreteLunrQuery, LunrQueryTranslator } from '@backstage/plugin-search-backend-node';
import lunr from 'lunr';

const queryPipeline = new lunr.Pipeline();
queryPipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);

/** The words of a query as the index holds them: trimmed, without stop words, stemmed. */
export function queryWords(term: string): string[] {
  return queryPipeline.run(lunr.tokenizer(term)).map(t => t.toString()).filter(Boolean);
}

/**
 * Backstage's stock Lunr query makes every word optional and also matches it with two typos, so
 * an exact phrase of three words finds every document that contains something close to one of
 * them. Here every word of the query is required, matched as the start of a word of the document
 * (so a search shows results while the last word is still being typed); no edit distance.
 */
export const exactLunrTranslator: LunrQueryTranslator = ({ term, filters, types, pageLimit }): ConcreteLunrQuery => ({
  documentTypes: types,
  pageSize: pageLimit || 25,
  lunrQueryBuilder: q => {
    for (const word of queryWords(term)) {
      q.term(word, {
        usePipeline: false,
        presence: lunr.Query.presence.REQUIRED,
        wildcard: lunr.Query.wildcard.TRAILING,
      });
    }
    for (const [field, fieldValue] of Object.entries(filters ?? {})) {
      if (!q.allFields.includes(field)) throw new Error(`unrecognised field ${field}`);
      const value = Array.isArray(fieldValue) && fieldValue.length === 1 ? fieldValue[0] : fieldValue;
      if (!['string', 'number', 'boolean'].includes(typeof value)) continue;
      const tokens = lunr.tokenizer(String(value)).map(t => lunr.stopWordFilter(t)).filter((t): t is lunr.Token => !!t);
      q.term(tokens, { presence: lunr.Query.presence.REQUIRED, fields: [field] });
    }
  },
});
