import { readSchedulerServiceTaskScheduleDefinitionFromConfig, type SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { ReadinessPolicy } from '@stacktalk/plugin-exceldna-node';

export interface ExceldnaConfig {
  uploadMaxBytes: number;
  artifactMaxBytes: number;
  maxRuns: number;
  /** The GitHub sync task's schedule (exceldna.github.schedule; default every 10 minutes). */
  githubSync: SchedulerServiceTaskScheduleDefinition;
  /** Upload requests per external-access token per hour (0: no limit). */
  uploadsPerTokenPerHour: number;
  trustedRoots: string[];
  requireBothBitnesses: boolean;
  /** Applied to each file of a build. */
  filePolicy: ReadinessPolicy;
}

const MiB = 1024 * 1024;

export function readExceldnaConfig(config: Config): ExceldnaConfig {
  const c = config.getOptionalConfig('exceldna');
  const p = c?.getOptionalConfig('policy');
  return {
    uploadMaxBytes: c?.getOptionalNumber('uploadMaxBytes') ?? 200 * MiB,
    artifactMaxBytes: c?.getOptionalNumber('artifactMaxBytes') ?? 200 * MiB,
    maxRuns: c?.getOptionalNumber('maxRuns') ?? 10,
    githubSync: c?.has('github.schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(c.getConfig('github.schedule'))
      : { frequency: { minutes: 10 }, timeout: { minutes: 10 } },
    uploadsPerTokenPerHour: c?.getOptionalNumber('uploads.perTokenPerHour') ?? 60,
    trustedRoots: c?.getOptionalStringArray('trustedRoots') ?? [],
    requireBothBitnesses: p?.getOptionalBoolean('requireBothBitnesses') ?? true,
    filePolicy: {
      requirePacked: p?.getOptionalBoolean('requirePacked') ?? true,
      requireSigned: p?.getOptionalBoolean('requireSigned') ?? true,
      requirePackedSigned: p?.getOptionalBoolean('requirePackedSigned') ?? true,
      minCertificateDays: p?.getOptionalNumber('minCertificateDays') ?? 30,
      minLoaderVersion: p?.getOptionalString('minLoaderVersion'),
    },
  };
}
