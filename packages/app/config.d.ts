export interface Config {
  auth?: {
    /**
     * The Keycloak realm people sign in to with keycloak-js. When present the app's sign-in page
     * is Keycloak's; otherwise the development page (example users, guest). The backend side is
     * plugins/auth-backend-module-keycloak-js-provider (auth.providers.keycloakJs).
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
  };
}
