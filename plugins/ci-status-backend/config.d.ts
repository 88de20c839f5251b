export interface Config {
  /** CI status plugins (GitHub Actions). GitHub credentials come from `integrations.github`. */
  ciStatus?: {
    github?: {
      /**
       * Seconds GitHub's answer is served to every viewer before it is revalidated
       * (If-None-Match). 1..3600, default 60.
       * @visibility backend
       */
      refreshIntervalSeconds?: number;
      /**
       * Hours a cached answer is kept to serve, marked stale, while GitHub is down or the rate
       * limit is spent. Default 24.
       * @visibility backend
       */
      keepStaleHours?: number;
    };
    webhook?: {
      /**
       * The secret of the GitHub webhook (`workflow_run`, `workflow_job` events) that signs
       * `X-Hub-Signature-256`. Without it every delivery is refused (503).
       * @visibility secret
       */
      secret?: string;
      /**
       * The GitHub host the webhooks come from, as in `integrations.github[].host`. Default github.com.
       * @visibility backend
       */
      host?: string;
    };
    /**
     * Job log lines in the tail (10..5000, default 200).
     * @visibility backend
     */
    logTailLines?: number;
    /**
     * Finished runs in the overview card's charts (5..100, default 30).
     * @visibility backend
     */
    chartRuns?: number;
    health?: {
      /**
       * Components the CI health page looks at, at most (default 300).
       * @visibility backend
       */
      maxComponents?: number;
    };
  };
}
