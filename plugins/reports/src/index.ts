import { createFrontendPlugin } from '@backstage/frontend-plugin-api';

/** The reports frontend plugin. */
export default createFrontendPlugin({ pluginId: 'reports', extensions: [] });
