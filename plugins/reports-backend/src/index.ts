import { createBackendPlugin } from '@backstage/backend-plugin-api';

/** The reports backend plugin. */
export default createBackendPlugin({
  pluginId: 'reports',
  register(env) {
    env.registerInit({ deps: {}, async init() {} });
  },
});
