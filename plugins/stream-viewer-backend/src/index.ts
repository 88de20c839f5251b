import { createBackendPlugin } from '@backstage/backend-plugin-api';

/** The stream-viewer backend plugin. */
export default createBackendPlugin({
  pluginId: 'stream-viewer',
  register(env) {
    env.registerInit({ deps: {}, async init() {} });
  },
});
