import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { DirectoryPreparer, techdocsPreparerExtensionPoint } from '@backstage/plugin-techdocs-node';
import { ContentHashDirectoryPreparer } from './ContentHashDirectoryPreparer';

/**
 * Gives `dir:` TechDocs sites an etag from their sources, so the TechDocs backend skips the build
 * (and readers get no "newer version" banner) when nothing changed. See ContentHashDirectoryPreparer.
 */
export const techdocsModuleContentEtag = createBackendModule({
  pluginId: 'techdocs',
  moduleId: 'content-etag',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
        preparers: techdocsPreparerExtensionPoint,
      },
      async init({ config, logger, urlReader, preparers }) {
        const stock = DirectoryPreparer.fromConfig(config, { logger, reader: urlReader });
        preparers.registerPreparer('dir', new ContentHashDirectoryPreparer(stock));
      },
    });
  },
});
