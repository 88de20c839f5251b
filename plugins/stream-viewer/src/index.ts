import { createFrontendPlugin } from '@backstage/frontend-plugin-api';

/** The stream-viewer frontend plugin. */
export default createFrontendPlugin({ pluginId: 'stream-viewer', extensions: [] });
