export interface Config {
  /** StackTalk reports plugin. */
  reports?: {
    /** What one person, and one report, may take (README, "Security"). */
    limits?: {
      /**
       * Reports one person may have waiting or rendering at once; more answer 429 with the
       * reason (default 5). A schedule's reports count only toward `queue.maxQueued`.
       * @visibility backend
       */
      maxQueuedPerUser?: number;
      /**
       * Schedules one person may have; more answer 429 with the reason (default 10).
       * @visibility backend
       */
      maxSchedulesPerUser?: number;
      /**
       * The shortest time between two runs of a schedule, in minutes; a cron that runs more
       * often answers 400 with the reason (default 60).
       * @visibility backend
       */
      minScheduleIntervalMinutes?: number;
      /**
       * Seconds a whole job may take (sections, render, preview) before it fails with the
       * reason, not retried (default 300).
       * @visibility backend
       */
      jobTimeoutSeconds?: number;
      /**
       * A larger PDF fails its job with the reason (default 50).
       * @visibility backend
       */
      maxPdfMegabytes?: number;
      /**
       * Pages of a TechDocs site put in one PDF; the rest are left out with a page saying so
       * (default 300).
       * @visibility backend
       */
      maxTechDocsPages?: number;
    };
    chromium?: {
      /**
       * Path of Chromium / Chrome. Default: Debian's chromium-headless-shell
       * (/usr/lib/chromium/chromium-headless-shell; its /usr/bin wrapper script is replaced by
       * that binary), else the full /usr/bin/chromium, with a warning: it prints 2-4 times slower.
       */
      executablePath?: string;
      /** Relaunch Chromium after this many renders (default 200). */
      restartAfterRenders?: number;
    };
    /**
     * Seconds the replica that took a request keeps its job to itself, to render it on behalf of
     * the requester with the credentials it holds in memory (default 600, and never past the
     * requester's sign-in). If that replica dies first, the others take the job after this,
     * rendered with its requester away.
     */
    requesterHoldSeconds?: number;
    /** Renders at once (pages of the one Chromium); default: CPU cores. */
    concurrency?: number;
    /** Seconds before a render is stopped with a clear error (default 120). */
    renderTimeoutSeconds?: number;
    queue?: {
      /** Jobs waiting or rendering beyond this are refused with 429 + Retry-After (default 100). */
      maxQueued?: number;
      /** Attempts of a job whose Chromium died (default 3). */
      maxAttempts?: number;
      /**
       * Seconds a replica's claim on a job it renders holds without being renewed (default 30;
       * renewed every third of it while rendering). When a replica dies mid-job, another
       * replica takes the job over once its claim has run out; only one PDF is stored.
       */
      leaseSeconds?: number;
    };
    /** Keep PDFs in this directory instead of the database. */
    storage?: { directory?: string };
    /** Delete reports older than this many days (default 90). */
    retentionDays?: number;
    retentionSchedule?: {
      frequency: { [unit: string]: number } | string;
      timeout: { [unit: string]: number } | string;
      initialDelay?: { [unit: string]: number } | string;
    };
  };
}
