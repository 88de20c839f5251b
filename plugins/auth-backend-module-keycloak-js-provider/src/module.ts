import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { authProvidersExtensionPoint, createProxyAuthProviderFactory } from '@backstage/plugin-auth-node';
import { keycloakJsAuthenticator } from './authenticator';
import { KeycloakTokenVerifier } from './KeycloakTokenVerifier';
import { keycloakSignInResolver, type KeycloakSignInOptions } from './signInResolver';

export const PROVIDER_ID = 'keycloakJs';

function stringListMap(config: Config | undefined): Record<string, string[]> {
  if (!config) return {};
  return Object.fromEntries(config.keys().map(k => [k, config.getStringArray(k)]));
}

/** Reads auth.keycloak and auth.providers.keycloakJs (config.d.ts). */
export function readKeycloakJsConfig(config: Config) {
  const realm = config.getConfig('auth.keycloak');
  const provider = config.getConfig(`auth.providers.${PROVIDER_ID}`);
  const userClaim = provider.getOptionalString('userClaim') ?? 'preferred_username';
  const unknownUser = provider.getOptionalString('unknownUser') ?? 'reject';
  if (userClaim !== 'preferred_username' && userClaim !== 'email') {
    throw new Error(`auth.providers.${PROVIDER_ID}.userClaim must be preferred_username or email, not ${userClaim}`);
  }
  if (unknownUser !== 'reject' && unknownUser !== 'minimal') {
    throw new Error(`auth.providers.${PROVIDER_ID}.unknownUser must be reject or minimal, not ${unknownUser}`);
  }
  const signIn: KeycloakSignInOptions = {
    userClaim,
    unknownUser,
    groups: stringListMap(provider.getOptionalConfig('mappedOwnership.groups')),
    realmRoles: stringListMap(provider.getOptionalConfig('mappedOwnership.realmRoles')),
  };
  return {
    verifier: {
      url: realm.getString('url'),
      realm: realm.getString('realm'),
      clientId: realm.getString('clientId'),
      audience: provider.getOptionalString('audience'),
      clockSkewSeconds: provider.getOptionalNumber('clockSkewSeconds'),
    },
    signIn,
  };
}

/**
 * Sign-in with Keycloak through keycloak-js: the app obtains the access token (check-sso,
 * PKCE S256) and sends it to /api/auth/keycloakJs/refresh; this module verifies it against the
 * realm's keys and signs in as the catalog User it names. Enabled by auth.providers.keycloakJs.
 */
export const authModuleKeycloakJsProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'keycloak-js-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        if (!config.has(`auth.providers.${PROVIDER_ID}`)) return;
        const { verifier, signIn } = readKeycloakJsConfig(config);
        const tokens = new KeycloakTokenVerifier(verifier);
        const log = (message: string) => logger.warn(message);
        providers.registerProvider({
          providerId: PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: keycloakJsAuthenticator(tokens, log),
            signInResolver: keycloakSignInResolver(signIn, message => logger.info(message)),
          }),
        });
        logger.info(`Sign-in with Keycloak realm ${tokens.issuer} (client ${verifier.clientId})`);
      },
    });
  },
});
