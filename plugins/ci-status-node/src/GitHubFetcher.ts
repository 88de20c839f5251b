import type { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { JsonValue } from '@backstage/types';
import type { GithubCredentialsProvider, ScmIntegrationRegistry } from '@backstage/integration';
import { Octokit } from '@octokit/rest';
import type { CiRepoRef, Staleness } from '@stacktalk/plugin-ci-status-common';
import { CacheEntry, contentHash, credentialId, isCacheEntry } from './cacheEntry';
import { RateLimitTracker } from './RateLimitTracker';
import type { GitHubAnswer, GitHubFetchStats } from './types';

export interface GitHubFetcherOptions {
  cache: CacheService;
  logger: LoggerService;
  integrations: ScmIntegrationRegistry;
  credentials: GithubCredentialsProvider;
  /** How long GitHub's answer is served without asking again (all viewers share it). */
  refreshIntervalMs: number;
  /** How long cached answers are kept to serve (marked stale) while GitHub cannot be asked. */
  keepStaleMs: number;
  now?: () => number;
}

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * Reads GitHub resources through one shared cache entry each: within the refresh interval every
 * caller gets the cached answer, concurrent callers share one request, and after it a conditional
 * request (`If-None-Match`) costs no rate limit when nothing changed. When GitHub fails or the
 * rate limit is spent, the cached answer is served marked stale.
 */
export class GitHubFetcher {
  readonly #options: GitHubFetcherOptions;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Promise<GitHubAnswer<JsonValue>>>();
  readonly #rateLimits = new RateLimitTracker();
  readonly #stats: GitHubFetchStats = {
    upstreamRequests: 0,
    notModified: 0,
    changed: 0,
    unchanged: 0,
    cacheHits: 0,
    joined: 0,
    stale: 0,
  };

  constructor(options: GitHubFetcherOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  stats(): GitHubFetchStats {
    return { ...this.#stats };
  }

  /** An Octokit for the repository's host, authenticated as `integrations.github` says. */
  async octokit(repo: CiRepoRef): Promise<{ octokit: Octokit; credential: string }> {
    const integration = this.#options.integrations.github.byHost(repo.host);
    if (!integration) {
      throw new NotFoundError(
        `No integrations.github entry for host ${repo.host}; add one to app-config`,
      );
    }
    const { token, headers } = await this.#options.credentials.getCredentials({
      url: `https://${repo.host}/${repo.owner}/${repo.repo}`,
    });
    const octokit = new Octokit({
      baseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
      auth: token,
      headers,
      userAgent: 'stacktalk-portal-ci-status',
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    return { octokit, credential: credentialId(token) };
  }

  /** A cached GET of `route` (an Octokit route such as `GET /repos/{owner}/{repo}/actions/runs`). */
  get<T>(
    repo: CiRepoRef,
    key: string,
    route: string,
    params: Record<string, string | number | undefined>,
  ): Promise<GitHubAnswer<T>> {
    const joined = this.#inFlight.get(key);
    if (joined) {
      this.#stats.joined += 1;
      return joined as Promise<GitHubAnswer<T>>;
    }
    const work = this.#get(repo, key, route, params).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, work);
    return work as Promise<GitHubAnswer<T>>;
  }

  async readEntry(key: string): Promise<CacheEntry | undefined> {
    const value = await this.#options.cache.get(key);
    return isCacheEntry(value) ? value : undefined;
  }

  async writeEntry(key: string, entry: CacheEntry): Promise<void> {
    await this.#options.cache.set(key, entry as unknown as JsonValue, {
      ttl: this.#options.keepStaleMs,
    });
  }

  async #get(
    repo: CiRepoRef,
    key: string,
    route: string,
    params: Record<string, string | number | undefined>,
  ): Promise<GitHubAnswer<JsonValue>> {
    const now = this.#now();
    const cached = await this.readEntry(key);
    if (cached && now - cached.checkedAt < this.#options.refreshIntervalMs) {
      this.#stats.cacheHits += 1;
      return { data: cached.data, checkedAt: new Date(cached.checkedAt).toISOString() };
    }
    const { octokit, credential } = await this.octokit(repo);
    const blockedUntil = this.#rateLimits.blockedUntil(credential, now);
    if (blockedUntil !== undefined) {
      return this.#serveStale(key, cached, {
        reason: 'rate-limited',
        retryAfter: new Date(blockedUntil).toISOString(),
      });
    }
    const headers: Record<string, string> = {};
    // GitHub's ETags vary by credential, so after a token rotation the old one usually no longer
    // matches; it is sent anyway (a 304 is only ever given to an authorized request) and a 200
    // with the same content keeps the entry and counts as `unchanged`.
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    this.#stats.upstreamRequests += 1;
    try {
      const response = await octokit.request(route, {
        owner: repo.owner,
        repo: repo.repo,
        ...params,
        headers,
      });
      this.#rateLimits.record(credential, response.headers, this.#now());
      const data = response.data as JsonValue;
      const hash = contentHash(data);
      if (cached?.hash === hash) this.#stats.unchanged += 1;
      else this.#stats.changed += 1;
      const entry: CacheEntry = {
        data,
        etag: response.headers.etag,
        credential,
        hash,
        checkedAt: this.#now(),
      };
      await this.writeEntry(key, entry);
      return { data, checkedAt: new Date(entry.checkedAt).toISOString() };
    } catch (error) {
      const failure = error as RequestErrorLike;
      const responseHeaders = failure.response?.headers ?? {};
      this.#rateLimits.record(credential, responseHeaders, this.#now());
      if (failure.status === 304 && cached) {
        this.#stats.notModified += 1;
        const entry = { ...cached, checkedAt: this.#now() };
        await this.writeEntry(key, entry);
        return { data: cached.data, checkedAt: new Date(entry.checkedAt).toISOString() };
      }
      if (failure.status === 404) {
        throw new NotFoundError(`GitHub has no ${route.replace(/^GET /, '')} for ${repo.owner}/${repo.repo}`);
      }
      const limited =
        (failure.status === 403 || failure.status === 429) &&
        (String(responseHeaders['x-ratelimit-remaining']) === '0' || responseHeaders['retry-after'] !== undefined);
      const retryAt = this.#rateLimits.blockedUntil(credential, this.#now());
      this.#options.logger.warn(
        `GitHub request ${route} for ${repo.host}/${repo.owner}/${repo.repo} failed (${failure.status ?? 'network'}): ${failure.message}`,
      );
      return this.#serveStale(
        key,
        cached,
        limited
          ? { reason: 'rate-limited', retryAfter: retryAt ? new Date(retryAt).toISOString() : undefined }
          : { reason: 'github-unavailable' },
      );
    }
  }

  #serveStale(
    key: string,
    cached: CacheEntry | undefined,
    why: Omit<Staleness, 'since'>,
  ): GitHubAnswer<JsonValue> {
    if (!cached) {
      const detail =
        why.reason === 'rate-limited'
          ? `the GitHub rate limit is spent${why.retryAfter ? ` until ${why.retryAfter}` : ''}`
          : 'GitHub did not answer';
      throw new ServiceUnavailableError(`No CI data cached for ${key} and ${detail}; try again later`);
    }
    this.#stats.stale += 1;
    const since = new Date(cached.checkedAt).toISOString();
    return { data: cached.data, checkedAt: since, stale: { since, ...why } };
  }
}
