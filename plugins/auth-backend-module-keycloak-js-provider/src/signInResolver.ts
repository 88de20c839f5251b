import { AuthenticationError, NotFoundError } from '@backstage/errors';
import { DEFAULT_NAMESPACE, stringifyEntityRef } from '@backstage/catalog-model';
import type { SignInResolver } from '@backstage/plugin-auth-node';
import type { KeycloakClaims } from './KeycloakTokenVerifier';

export interface KeycloakSignInOptions {
  userClaim: 'preferred_username' | 'email';
  unknownUser: 'reject' | 'minimal';
  /** Keycloak group / realm role → entity refs added to ownership. */
  groups: Record<string, string[]>;
  realmRoles: Record<string, string[]>;
}

const ENTITY_NAME = /^[a-z0-9A-Z][a-z0-9A-Z._-]{0,62}$/;

/** The entity refs the person's Keycloak groups and realm roles map to in config. */
export function mappedOwnership(claims: KeycloakClaims, options: KeycloakSignInOptions): string[] {
  const fromGroups = (claims.groups ?? []).flatMap(g => options.groups[g.replace(/^\//, '')] ?? []);
  const fromRoles = (claims.realm_access?.roles ?? []).flatMap(r => options.realmRoles[r] ?? []);
  return [...fromGroups, ...fromRoles];
}

/**
 * Signs in as the catalog User the token names (by User name or e-mail), owning what the
 * catalog says plus what the person's Keycloak groups and roles map to. A person without a
 * catalog User is refused, or (`unknownUser: minimal`) signed in as user:default/<name>.
 */
export function keycloakSignInResolver(
  options: KeycloakSignInOptions,
  log: (message: string) => void,
): SignInResolver<{ claims: KeycloakClaims }> {
  return async ({ result: { claims } }, ctx) => {
    const value = claims[options.userClaim];
    if (typeof value !== 'string' || value === '') {
      log(`Keycloak sign-in refused for sub ${claims.sub}: the token has no ${options.userClaim}`);
      throw new AuthenticationError(`The Keycloak token has no ${options.userClaim} claim`);
    }
    const query =
      options.userClaim === 'email'
        ? { filter: { kind: 'User', 'spec.profile.email': value } }
        : { entityRef: { kind: 'User', namespace: DEFAULT_NAMESPACE, name: value } };
    const extra = mappedOwnership(claims, options);
    try {
      const { entity } = await ctx.findCatalogUser(query);
      const { ownershipEntityRefs } = await ctx.resolveOwnershipEntityRefs(entity);
      const sub = stringifyEntityRef(entity);
      return ctx.issueToken({ claims: { sub, ent: [...new Set([...ownershipEntityRefs, ...extra])] } });
    } catch (e) {
      if (!(e instanceof NotFoundError) && (e as Error).name !== 'NotFoundError') throw e;
      const name = options.userClaim === 'email' ? value.split('@')[0] : value;
      if (options.unknownUser !== 'minimal' || !ENTITY_NAME.test(name)) {
        log(`Keycloak sign-in refused for ${value}: no User in the catalog`);
        throw new AuthenticationError(`${value} has no User in the portal's catalog; ask a portal admin`);
      }
      const sub = stringifyEntityRef({ kind: 'User', namespace: DEFAULT_NAMESPACE, name });
      log(`Keycloak sign-in of ${value}, not in the catalog: minimal identity ${sub}`);
      return ctx.issueToken({ claims: { sub, ent: [...new Set([sub, ...extra])] } });
    }
  };
}
