import { ApiBlueprint, createFrontendPlugin, discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { SecretsClient, secretsApiRef } from './api/SecretsClient';

const secretsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: secretsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new SecretsClient(deps),
    }),
});

/** Entity tab "Secrets" on components: names × environments, reveal, history, export, audit. */
const entitySecretsContent = EntityContentBlueprint.make({
  params: {
    path: 'secrets',
    title: 'Secrets',
    filter: 'kind:component',
    loader: () => import('./components/EntitySecretsContent').then(m => <m.EntitySecretsContent />),
  },
});

export const secretsPlugin = createFrontendPlugin({
  pluginId: 'secrets',
  extensions: [secretsApi, entitySecretsContent],
});
