import { AuthenticationError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';
import type { KeycloakClaims, KeycloakTokenVerifier } from './KeycloakTokenVerifier';

/**
 * Reads the Keycloak access token keycloak-js sends as `Authorization: Bearer …` to
 * /api/auth/keycloakJs/refresh and verifies it; a refused token is a 401 with a log line saying
 * why (never the token).
 */
export function keycloakJsAuthenticator(verifier: KeycloakTokenVerifier, log: (message: string) => void) {
  return createProxyAuthenticator({
    defaultProfileTransform: async (result: { claims: KeycloakClaims }) => ({
      profile: {
        email: result.claims.email,
        displayName: result.claims.name ?? result.claims.preferred_username,
      },
    }),
    initialize: () => undefined,
    async authenticate({ req }) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
      if (!match) throw new AuthenticationError('Missing Keycloak access token (Authorization: Bearer)');
      try {
        return { result: { claims: await verifier.verify(match[1]) } };
      } catch (e) {
        log(`Keycloak sign-in refused: ${(e as Error).message}`);
        throw e;
      }
    },
  });
}
