import { ApiBlueprint, createFrontendPlugin, discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { EXCELDNA_WORKFLOW_ANNOTATION } from '@stacktalk/plugin-exceldna-common';
import { ExceldnaClient, exceldnaApiRef } from './api/ExceldnaClient';

const exceldnaApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: exceldnaApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ExceldnaClient(deps),
    }),
});

const isAddIn = { kind: 'component', [`metadata.annotations.${EXCELDNA_WORKFLOW_ANNOTATION}`]: { $exists: true } };

/** Entity tab "Excel add-in" on components that name the workflow building their add-in. */
const entityExcelAddInContent = EntityContentBlueprint.make({
  params: {
    path: 'excel-addin',
    title: 'Excel add-in',
    filter: isAddIn,
    loader: () => import('./components/EntityExcelAddInContent').then(m => <m.EntityExcelAddInContent />),
  },
});

/** Overview card: the latest build's release readiness. */
const entityExcelAddInCard = EntityCardBlueprint.make({
  params: {
    filter: isAddIn,
    loader: () => import('./components/EntityExcelAddInCard').then(m => <m.EntityExcelAddInCard />),
  },
});

export const exceldnaPlugin = createFrontendPlugin({
  pluginId: 'exceldna',
  extensions: [exceldnaApi, entityExcelAddInContent, entityExcelAddInCard],
});
