/**
 * GitHub Actions access for StackTalk backend plugins: an authenticated, cached,
 * rate-limit-aware GitHub client per repository (see README).
 */
export { ciGitHubServiceRef, CachedGitHubService, readGitHubCacheConfig } from './service';
export type { CachedGitHubServiceOptions } from './service';
export type {
  ArtifactList,
  CiGitHubService,
  CiRepoClient,
  GitHubAnswer,
  GitHubFetchStats,
  RepositoryInfo,
  WorkflowJobList,
  WorkflowRunList,
  WorkflowRunsQuery,
} from './types';
