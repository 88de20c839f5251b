import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Excel-DNA add-in builds (plugins/exceldna-backend). */
  exceldna?: {
    /** Largest .xll accepted by the upload route, in bytes (default 200 MiB). */
    uploadMaxBytes?: number;
    /** Largest GitHub artifact zip downloaded, in bytes (default 200 MiB). */
    artifactMaxBytes?: number;
    uploads?: {
      /** Upload requests per external-access token per hour, counted across replicas (default 60; 0: no limit). 429 with Retry-After beyond. */
      perTokenPerHour?: number;
    };
    github?: {
      /** The GitHub sync task (Backstage scheduler, global scope: one replica at a time); default every 10 minutes, 10 minutes timeout. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /** Workflow runs looked at per entity (default 10). */
    maxRuns?: number;
    /** PEM certificates of the code-signing roots the portal trusts (signature.trusted). */
    trustedRoots?: string[];
    /** Release readiness policy. */
    policy?: {
      /** Both an x86 and an x64 add-in in the build (default true). */
      requireBothBitnesses?: boolean;
      /** Default true. */
      requirePacked?: boolean;
      /** Signed, signature valid (default true). */
      requireSigned?: boolean;
      /** Every packed assembly signed too (Excel-DNA#819; default true). */
      requirePackedSigned?: boolean;
      /** The signing certificate valid for at least this many more days (default 30). */
      minCertificateDays?: number;
      /** Oldest acceptable Excel-DNA loader version, e.g. "1.7.0" (default none). */
      minLoaderVersion?: string;
    };
  };
}
