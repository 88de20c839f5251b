import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** Entity tab "Runbook" on components. */
const entityRunbookContent = EntityContentBlueprint.make({
  params: {
    path: 'runbook',
    title: 'Runbook',
    filter: { kind: 'component' },
    loader: () => import('./RunbookContent').then(m => <m.RunbookContent />),
  },
});

export const runbookPlugin = createFrontendPlugin({
  pluginId: 'runbook',
  extensions: [entityRunbookContent],
});
