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
      }>;
    };
  };
}
