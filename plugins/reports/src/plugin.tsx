import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import PictureAsPdfIcon from '@material-ui/icons/PictureAsPdf';
import { ReportsClient, reportsApiRef } from './api/ReportsClient';

const reportsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: reportsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ReportsClient(deps),
    }),
});

const entityReportsContent = EntityContentBlueprint.make({
  params: {
    path: 'reports',
    title: 'Reports',
    filter: { kind: { $in: ['component', 'api', 'resource', 'system'] } },
    loader: () => import('./components/EntityReportsContent').then(m => <m.EntityReportsContent />),
  },
});

export const reportsRouteRef = createRouteRef();

const reportsPage = PageBlueprint.make({
  params: {
    path: '/reports',
    routeRef: reportsRouteRef,
    title: 'Reports',
    icon: <PictureAsPdfIcon />,
    loader: () => import('./components/ReportsPage').then(m => <m.ReportsPage />),
  },
});

/** Entity tab and page "Reports": PDFs generated server-side by headless Chromium. */
export const reportsPlugin = createFrontendPlugin({
  pluginId: 'reports',
  title: 'Reports',
  icon: <PictureAsPdfIcon />,
  routes: { root: reportsRouteRef },
  extensions: [reportsApi, entityReportsContent, reportsPage],
});
