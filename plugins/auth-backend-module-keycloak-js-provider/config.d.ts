export interface Config {
  auth?: {
    /**
     * The Keycloak realm people sign in to (keycloak-js in the app, token checks in the backend).
     * Present: the app shows the Keycloak sign-in page instead of the development one.
     */
    keycloak?: {
      /** Keycloak's base URL, without /realms (e.g. https://sso.example.com). @visibility frontend */
      url: string;
      /** @visibility frontend */
      realm: string;
      /** The portal's public client (PKCE S256). @visibility frontend */
      clientId: string;
      /**
       * Keycloak's login-status iframe notices a sign-out in another tab. Default true; the
       * tests' stand-in Keycloak does not serve it. @visibility frontend
       */
      checkLoginIframe?: boolean;
    };
    providers?: {
      /**
       * Sign-in with the Keycloak access token keycloak-js obtained
       * (plugins/auth-backend-module-keycloak-js-provider). Present (even `{}`) to enable.
       */
      keycloakJs?: {
        /** When set, the token's `aud` must contain it (Keycloak's audience mapper). `azp` must always be auth.keycloak.clientId. */
        audience?: string;
        /** Clock skew tolerated on exp/nbf/iat, in seconds (default 30, at most 300). */
        clockSkewSeconds?: number;
        /** How a token names its catalog User: by `preferred_username` (User name, default) or `email` (spec.profile.email). */
        userClaim?: 'preferred_username' | 'email';
        /**
         * A Keycloak user with no User in the catalog: `reject` (401, default) or `minimal`
         * (signed in as user:default/<name> owning only what mappedOwnership gives).
         */
        unknownUser?: 'reject' | 'minimal';
        /**
         * Keycloak groups (`groups` claim) and realm roles (`realm_access.roles`) → entity refs
         * added to the person's ownership, which the permission policy then uses
         * (e.g. `platform-admins: [group:default/platform-admins]`).
         */
        mappedOwnership?: {
          groups?: { [keycloakGroup: string]: string[] };
          realmRoles?: { [realmRole: string]: string[] };
        };
      };
    };
  };
}
