export interface Config {
  /** StackTalk reports plugin. */
  reports?: {
    chromium?: {
      /** Path of Chromium / Chrome; default: Debian's /usr/bin/chromium when present. */
      executablePath?: string;
      /** Relaunch Chromium after this many renders (default 200). */
      restartAfterRenders?: number;
    };
    /** Renders at once (pages of the one Chromium); default: CPU cores. */
    concurrency?: number;
    /** Seconds before a render is stopped with a clear error (default 120). */
    renderTimeoutSeconds?: number;
    queue?: {
      /** Queued jobs beyond this are refused with 429 + Retry-After (default 100). */
      maxQueued?: number;
      /** Attempts of a job whose Chromium died (default 3). */
      maxAttempts?: number;
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
