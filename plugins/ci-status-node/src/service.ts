import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type CacheService,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
} from '@backstage/integration';
import { InputError } from '@backstage/errors';
import { parseProjectSlug, type CiRepoRef } from '@stacktalk/plugin-ci-status-common';
import { CachedRepoClient } from './CachedRepoClient';
import { GitHubFetcher } from './GitHubFetcher';
import type { CiGitHubService, CiRepoClient, GitHubFetchStats } from './types';

export interface CachedGitHubServiceOptions {
  config: Config;
  cache: CacheService;
  logger: LoggerService;
  /** Default: from `integrations.github` (token or GitHub App) via @backstage/integration. */
  credentials?: GithubCredentialsProvider;
  now?: () => number;
}

/** Reads `ciStatus.github.*` (see config.d.ts of the backend plugin). */
export function readGitHubCacheConfig(config: Config) {
  const refreshSeconds = config.getOptionalNumber('ciStatus.github.refreshIntervalSeconds') ?? 60;
  const keepStaleHours = config.getOptionalNumber('ciStatus.github.keepStaleHours') ?? 24;
  if (refreshSeconds < 1 || refreshSeconds > 3600) {
    throw new Error('ciStatus.github.refreshIntervalSeconds must be 1..3600');
  }
  if (keepStaleHours <= 0) throw new Error('ciStatus.github.keepStaleHours must be positive');
  return { refreshIntervalMs: refreshSeconds * 1000, keepStaleMs: keepStaleHours * 3600_000 };
}

/** The CiGitHubService over the Backstage cache (memory embedded, Redis in production). */
export class CachedGitHubService implements CiGitHubService {
  readonly #fetcher: GitHubFetcher;

  static create(options: CachedGitHubServiceOptions): CachedGitHubService {
    const integrations = ScmIntegrations.fromConfig(options.config);
    const fetcher = new GitHubFetcher({
      cache: options.cache,
      logger: options.logger,
      integrations,
      credentials: options.credentials ?? DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      now: options.now,
      ...readGitHubCacheConfig(options.config),
    });
    return new CachedGitHubService(fetcher);
  }

  private constructor(fetcher: GitHubFetcher) {
    this.#fetcher = fetcher;
  }

  forRepo(repo: CiRepoRef | string): CiRepoClient {
    const ref = typeof repo === 'string' ? parseProjectSlug(repo) : parseProjectSlug(`${repo.owner}/${repo.repo}`, repo.host);
    if (!ref) throw new InputError(`Not a GitHub owner/repo: ${typeof repo === 'string' ? repo : `${repo.owner}/${repo.repo}`}`);
    return new CachedRepoClient(ref, this.#fetcher);
  }

  stats(): GitHubFetchStats {
    return this.#fetcher.stats();
  }
}

/**
 * GitHub Actions access for backend plugins. Depend on it with
 * `deps: { github: ciGitHubServiceRef }`; each plugin gets its own instance over its own cache.
 */
export const ciGitHubServiceRef = createServiceRef<CiGitHubService>({
  id: 'stacktalk.ci-status.github',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        cache: coreServices.cache,
        logger: coreServices.logger,
      },
      factory: ({ config, cache, logger }) => CachedGitHubService.create({ config, cache, logger }),
    }),
});
