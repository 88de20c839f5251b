export interface Config {
  pluginManager?: {
    /**
     * The backend package folder whose dependencies are the installed static plugins (relative
     * to the repository root). Default: the working directory when it is the backend package
     * (`backstage-cli package start`), else `packages/backend`.
     */
    backendPackageDir?: string;
    /**
     * The app package folder whose dependencies count as installed frontend plugins (relative
     * to the repository root). Default: `packages/app`.
     */
    appPackageDir?: string;
    /**
     * Largest dynamic plugin bundle an admin may upload (`POST /bundles`), in bytes.
     * Default 52428800 (50 MiB).
     */
    maxBundleBytes?: number;
    /**
     * Largest size a bundle may unpack to, in bytes (the sum of its files). Default 8 × maxBundleBytes.
     */
    maxUnpackedBytes?: number;
    /**
     * `enabled: true` where a supervisor starts the backend again when it exits (Kubernetes
     * restarts a container that exits): then an admin's change goes live by a graceful restart.
     * Default: true under scripts/supervise.mjs (`make start`), else false.
     */
    restart?: {
      enabled?: boolean;
      /**
       * Seconds a restart waits for open connections (long polls, live streams) before the
       * process exits anyway; requests finish well within it. Default 10.
       */
      graceSeconds?: number;
    };
    /**
     * Where to look for plugins to install. Default: the repository's `plugins/` folder.
     */
    sources?: Array<
      | {
          name?: string;
          type: 'npm';
          /** npm scope, e.g. `@stacktalk`. */
          scope: string;
          /** Registry URL; default https://registry.npmjs.org. */
          registry?: string;
        }
      | {
          name?: string;
          type: 'directory';
          /** A folder of package folders (relative to the repository root). */
          path: string;
        }
    >;
  };
}
