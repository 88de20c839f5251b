import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { authProvidersExtensionPoint, createProxyAuthProviderFactory } from '@backstage/plugin-auth-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import express from 'express';
import { exampleUserAuthenticator } from './authenticator';
import { listExampleUsers } from './exampleUsers';

export const PROVIDER_ID = 'exampleUser';

/**
 * Development only: lets the embedded default's sign-in page sign in as any User of the catalog,
 * so that a newcomer can see the portal as an owner, a non-owner or an administrator.
 * Enabled by `auth.providers.exampleUser` in config; never in production (`auth.environment:
 * production` or NODE_ENV=production), where it registers nothing and logs why.
 */
export const authModuleExampleUserProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'example-user-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        http: coreServices.httpRouter,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ providers, config, logger, http, catalog, auth }) {
        if (!config.has(`auth.providers.${PROVIDER_ID}`)) return;
        const environment = config.getOptionalString('auth.environment');
        if (environment === 'production' || process.env.NODE_ENV === 'production') {
          logger.warn(
            `Sign-in as an example user is for development only; auth.providers.${PROVIDER_ID} is ignored in production`,
          );
          return;
        }
        providers.registerProvider({
          providerId: PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: exampleUserAuthenticator,
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: stringifyEntityRef({ kind: 'User', namespace: 'default', name: result.userName }),
              }),
          }),
        });

        // The sign-in page lists the users before anyone is signed in.
        const defaultUserRef = config.getOptionalString('auth.providers.guest.userEntityRef');
        const router = express.Router();
        router.get('/example-users', async (_req, res) => {
          res.json({ defaultUserRef, users: await listExampleUsers(catalog, auth) });
        });
        http.use(router);
        http.addAuthPolicy({ path: '/example-users', allow: 'unauthenticated' });
        logger.info('Sign-in as any example user is enabled (development only)');
      },
    });
  },
});
