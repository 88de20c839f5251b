export interface Config {
  /** StackTalk secrets plugin. */
  secrets?: {
    /**
     * Environments, each with how it is deployed (decides the export format) and its
     * namespace / app name. Default: development (droplet), staging (app-platform),
     * production (kubernetes, production).
     */
    environments?: Array<{
      /** @visibility frontend */
      name: string;
      /** @visibility frontend */
      deployment: 'app-platform' | 'droplet' | 'kubernetes';
      /** Kubernetes namespace, App Platform app name or Droplet group used in exports. */
      target?: string;
      /** Production: reveal, write, delete and destroy need an admin group. Default: name is "production". */
      production?: boolean;
    }>;
    /** Group entity refs whose members may do everything, including in production. */
    adminGroups?: string[];
    /**
     * Key-encryption keys (32 bytes, base64: `openssl rand -base64 32`). Exactly one is active;
     * older keys stay until the re-wrap job has moved every data key off them.
     */
    keys?: Array<{
      id: string;
      /** @visibility secret */
      secret: string;
      active?: boolean;
    }>;
    /** Refuse to start without `keys` (set in production; also implied by NODE_ENV=production). */
    requireConfiguredKey?: boolean;
    /** Where the embedded default keeps its generated key. Default data/secrets/local-key.json. */
    localKeyFile?: string;
    /** The re-wrap job's schedule (default every 10 minutes). */
    rewrap?: {
      schedule?: {
        frequency: { [unit: string]: number } | string;
        timeout: { [unit: string]: number } | string;
        initialDelay?: { [unit: string]: number } | string;
      };
    };
    /**
     * External-access subjects (backend.auth.externalAccess) allowed to call the export
     * endpoint, and for which entities and environments. The subject as Backstage gives it:
     * a static token's `subject` as configured, a JWKS token's `external:<sub>`.
     */
    machineAccess?: Array<{
      subject: string;
      /** Entity refs, or `*` for every entity. Default: none. */
      entities?: string[];
      /** Environment names; `*` is every environment except production ones, which must be named. Default: none. */
      environments?: string[];
    }>;
    /**
     * Proxies (addresses or CIDR ranges, e.g. `10.0.0.0/8`) whose X-Forwarded-For the audit log
     * believes for the client's address. Default: none, so the connection's own address is recorded.
     */
    trustedProxies?: string[];
  };
}
