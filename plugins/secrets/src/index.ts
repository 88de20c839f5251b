import { createFrontendPlugin } from '@backstage/frontend-plugin-api';

/** The secrets frontend plugin. */
export default createFrontendPlugin({ pluginId: 'secrets', extensions: [] });
