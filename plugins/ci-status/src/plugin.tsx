import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import BuildIcon from '@material-ui/icons/Build';
import { CiStatusClient, ciStatusApiRef } from './api/CiStatusClient';

const ciStatusApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ciStatusApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CiStatusClient(deps),
    }),
});

/** Entity tab "CI" on components: runs, filters, run detail with jobs, steps and log tails. */
const entityCiContent = EntityContentBlueprint.make({
  params: {
    path: 'ci',
    title: 'CI',
    filter: { kind: 'component' },
    loader: () => import('./components/EntityCiContent').then(m => <m.EntityCiContent />),
  },
});

/** Overview card "CI" on components with a GitHub repository. */
const entityCiCard = EntityCardBlueprint.make({
  params: {
    filter: { kind: 'component', 'metadata.annotations.github.com/project-slug': { $exists: true } },
    loader: () => import('./components/EntityCiCard').then(m => <m.EntityCiCard />),
  },
});

export const ciHealthRouteRef = createRouteRef();

/** Page "CI health": failing default branches across the portal, by owner. */
const ciHealthPage = PageBlueprint.make({
  params: {
    path: '/ci-health',
    routeRef: ciHealthRouteRef,
    title: 'CI health',
    icon: <BuildIcon />,
    loader: () => import('./components/CiHealthPage').then(m => <m.CiHealthPage />),
  },
});

export const ciStatusPlugin = createFrontendPlugin({
  pluginId: 'ci-status',
  title: 'CI health',
  icon: <BuildIcon />,
  routes: { health: ciHealthRouteRef },
  extensions: [ciStatusApi, entityCiContent, entityCiCard, ciHealthPage],
});
