export { searchModuleStackTalk as default } from './module';
export { exactLunrTranslator, queryWords } from './exactLunrTranslator';
export { TechDocsPageDeduplicator } from './TechDocsPageDeduplicator';
