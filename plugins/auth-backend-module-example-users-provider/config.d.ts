export interface Config {
  auth?: {
    providers?: {
      /**
       * Development only: sign in as any User of the catalog from the sign-in page. Present
       * (even empty, `exampleUser: {}`) to enable; ignored when `auth.environment` is production.
       * @visibility backend
       */
      exampleUser?: {};
    };
  };
}
