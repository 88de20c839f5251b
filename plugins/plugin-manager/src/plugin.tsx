import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import ExtensionIcon from '@material-ui/icons/Extension';
import { PluginManagerClient, pluginManagerApiRef } from './api/PluginManagerClient';

const pluginManagerApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: pluginManagerApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new PluginManagerClient(deps),
    }),
});

export const pluginsRouteRef = createRouteRef();

/** Page "Plugins" (sidebar item): what runs in this portal and what the plugin sources offer. */
const pluginsPage = PageBlueprint.make({
  params: {
    path: '/plugins',
    routeRef: pluginsRouteRef,
    title: 'Plugins',
    icon: <ExtensionIcon />,
    loader: () => import('./components/PluginsPage').then(m => <m.PluginsPage />),
  },
});

export const pluginManagerPlugin = createFrontendPlugin({
  pluginId: 'plugin-manager',
  title: 'Plugins',
  icon: <ExtensionIcon />,
  routes: { root: pluginsRouteRef },
  extensions: [pluginManagerApi, pluginsPage],
});
