import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
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
    filter: { kind: 'component' },
    loader: () => import('./components/EntitySecretsContent').then(m => <m.EntitySecretsContent />),
  },
});

/** Page "Secrets admin": key rotation status and the portal-wide audit log (admins only). */
export const secretsAdminRouteRef = createRouteRef();

const secretsAdminPage = PageBlueprint.make({
  params: {
    path: '/secrets-admin',
    routeRef: secretsAdminRouteRef,
    title: 'Secrets admin',
    icon: <VpnKeyIcon />,
    loader: () => import('./components/SecretsAdminPage').then(m => <m.SecretsAdminPage />),
  },
});

export const secretsPlugin = createFrontendPlugin({
  pluginId: 'secrets',
  title: 'Secrets admin',
  icon: <VpnKeyIcon />,
  routes: { admin: secretsAdminRouteRef },
  extensions: [secretsApi, entitySecretsContent, secretsAdminPage],
});
