export interface Config {
  /** StackTalk stream viewer: where the topics and streams named in the catalog live. */
  streamViewer?: {
    kafka?: {
      clusters?: Array<{
        /** Matches the stacktalk.io/kafka-cluster annotation. */
        name: string;
        brokers: string[];
        ssl?: boolean;
        sasl?: {
          mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
          username: string;
          /** @visibility secret */
          password: string;
        };
        /**
         * Topics pinned to the catalog entity that shows them (whose owners see their
         * messages): any other entity naming the topic is refused with the reason.
         */
        claims?: Array<{ topic: string; entity: string }>;
      }>;
    };
    redis?: {
      instances?: Array<{
        /** Matches the stacktalk.io/redis-instance annotation. */
        name: string;
        /**
         * redis:// or rediss:// URL (may contain the password).
         * @visibility secret
         */
        url: string;
        /** Streams pinned to the catalog entity that shows them (see kafka.clusters[].claims). */
        claims?: Array<{ stream: string; entity: string }>;
      }>;
    };
    /**
     * Prefixes of `backstage.io/managed-by-origin-location` (e.g.
     * `url:https://github.com/stacktalk/catalog/`): only entities registered from these may
     * claim a topic or stream. Unset: every location counts (development).
     */
    trustedLocations?: string[];
    /** Live views (`/streams/live` connections) one backend serves at once. */
    limits?: {
      /** Per signed-in user (default 10); the next one is answered 429 with the reason. */
      subscriptionsPerUser?: number;
      /** In all (default 200). */
      subscriptions?: number;
    };
  };
}
