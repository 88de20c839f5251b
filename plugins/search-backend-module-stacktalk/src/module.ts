import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import {
  searchEngineRegistryExtensionPoint,
  searchIndexRegistryExtensionPoint,
} from '@backstage/plugin-search-backend-node/alpha';
import { exactLunrTranslator } from './exactLunrTranslator';
import { techDocsPageDeduplicatorFactory } from './TechDocsPageDeduplicator';

/**
 * Search without noise: each TechDocs page indexed once (by section), and — on the in-memory
 * Lunr engine that the embedded default (SQLite) uses — every word of a query required, no
 * fuzzy matches. With PostgreSQL the pg module's engine is left alone.
 */
export const searchModuleStackTalk = createBackendModule({
  pluginId: 'search',
  moduleId: 'stacktalk-relevance',
  register(env) {
    env.registerInit({
      deps: {
        engines: searchEngineRegistryExtensionPoint,
        indexes: searchIndexRegistryExtensionPoint,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ engines, indexes, database, logger }) {
        indexes.addDecorator({ factory: techDocsPageDeduplicatorFactory });
        const client = (await database.getClient()).client.config.client;
        if (client === 'pg') return;
        const engine = new LunrSearchEngine({ logger });
        engine.setTranslator(exactLunrTranslator);
        engines.setSearchEngine(engine);
      },
    });
  },
});
