import {
  ApiBlueprint,
  createFrontendModule,
  discoveryApiRef,
  identityApiRef,
  type DiscoveryApi,
  type IdentityApi,
} from '@backstage/frontend-plugin-api';
import { SignalClient } from '@backstage/plugin-signals';
import { signalApiRef } from '@backstage/plugin-signals-react';

/**
 * How long the signals socket may take to open. Backstage's default is 1 s; when the opening
 * takes longer (a backend busy just after a start, a slow network), the client gives up on that
 * socket and tries again only after its 5 s reconnect delay, so for about 6 s the page hears
 * no signal (a CI run that fails, a re-run that ends) and misses those sent meanwhile.
 */
export const SIGNALS_CONNECT_TIMEOUT_MS = 10_000;

export const createSignalApi = (deps: {
  identity: IdentityApi;
  discoveryApi: DiscoveryApi;
}) =>
  SignalClient.create({ ...deps, connectTimeout: SIGNALS_CONNECT_TIMEOUT_MS });

/** The signals plugin's API with a connect timeout that survives a slow socket opening. */
export const signalsModule = createFrontendModule({
  pluginId: 'signals',
  extensions: [
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: signalApiRef,
          deps: { identity: identityApiRef, discoveryApi: discoveryApiRef },
          factory: createSignalApi,
        }),
    }),
  ],
});
