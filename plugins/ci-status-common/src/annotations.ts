/** `owner/repo` of the component's GitHub repository (same annotation as the community plugin). */
export const ANNOTATION_GITHUB_PROJECT_SLUG = 'github.com/project-slug';
/**
 * Comma-separated workflow files of this component in a monorepo, e.g.
 * `build-api.yml, .github/workflows/deploy-api.yml`. Without it every workflow is shown.
 */
export const ANNOTATION_CI_WORKFLOWS = 'stacktalk.io/ci-workflows';
/** The branch the overview card and CI health page watch (default: the repository's default branch). */
export const ANNOTATION_CI_BRANCH = 'stacktalk.io/ci-branch';

/** The source location annotation, whose host tells a GitHub Enterprise server from github.com. */
const SOURCE_LOCATION = 'backstage.io/source-location';

export interface CiRepoRef {
  /** GitHub host as in `integrations.github[].host`, e.g. `github.com`. */
  host: string;
  owner: string;
  repo: string;
}

interface AnnotatedEntity {
  metadata: { annotations?: Record<string, string> };
}

const SLUG = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** Parses `owner/repo`; undefined when it is not a GitHub slug. */
export function parseProjectSlug(slug: string | undefined, host = 'github.com'): CiRepoRef | undefined {
  const match = SLUG.exec((slug ?? '').trim());
  if (!match || match[2] === '.' || match[2] === '..') return undefined;
  return { host, owner: match[1], repo: match[2] };
}

/** The entity's repository, or undefined when it has no (valid) `github.com/project-slug`. */
export function getCiRepo(entity: AnnotatedEntity): CiRepoRef | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const source = annotations[SOURCE_LOCATION]?.replace(/^url:/, '');
  let host = 'github.com';
  if (source) {
    try {
      const parsed = new URL(source);
      if (parsed.hostname !== 'github.com' && parsed.hostname.includes('github')) host = parsed.host;
    } catch {
      // not a URL: keep github.com
    }
  }
  return parseProjectSlug(annotations[ANNOTATION_GITHUB_PROJECT_SLUG], host);
}

/** Workflow file names (basename, e.g. `build.yml`) the entity limits itself to; empty = all. */
export function getCiWorkflows(entity: AnnotatedEntity): string[] {
  const raw = entity.metadata.annotations?.[ANNOTATION_CI_WORKFLOWS] ?? '';
  return raw
    .split(',')
    .map(name => name.trim().split('/').pop() ?? '')
    .filter(name => name.length > 0);
}

export function getCiBranch(entity: AnnotatedEntity): string | undefined {
  return entity.metadata.annotations?.[ANNOTATION_CI_BRANCH]?.trim() || undefined;
}
