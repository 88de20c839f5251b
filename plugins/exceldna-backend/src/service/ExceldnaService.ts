import type { AuthService, BackstageCredentials, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, type ResourcePermission } from '@backstage/plugin-permission-common';
import {
  EXCELDNA_WORKFLOW_ANNOTATION,
  exceldnaBuildReadPermission,
  exceldnaBuildUploadPermission,
  type AddInBuildsResponse,
} from '@stacktalk/plugin-exceldna-common';
import type { BuildStore } from './BuildStore';
import type { ExceldnaConfig } from './config';
import type { GitHubSyncTask } from './GitHubSyncTask';
import { judgeBuild } from './readiness';

const SLUG_ANNOTATION = 'github.com/project-slug';

/** Excel-DNA builds of catalog entities: what the routes call. Every method authorizes its caller. */
export class ExceldnaService {
  constructor(
    private readonly o: {
      catalog: CatalogService;
      auth: AuthService;
      permissions: PermissionsService;
      store: BuildStore;
      github: GitHubSyncTask;
      config: ExceldnaConfig;
      logger: LoggerService;
    },
  ) {}

  private async entity(entityRef: string, credentials: BackstageCredentials, permission: ResourcePermission<'catalog-entity'>): Promise<Entity> {
    // Users see the catalog as themselves (hidden entities are 404s). CI tokens are usually
    // restricted to exceldna.build.upload and may not call the catalog: the plugin looks the
    // entity up itself, and the upload permission is still decided for the token.
    const lookup = credentials.principal && (credentials.principal as { type?: string }).type === 'service' ? await this.o.auth.getOwnServiceCredentials() : credentials;
    const entity = await this.o.catalog.getEntityByRef(entityRef, { credentials: lookup });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    const ref = stringifyEntityRef(entity);
    const [decision] = await this.o.permissions.authorize([{ permission, resourceRef: ref }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) throw new NotAllowedError(`${permission.name} on ${ref} is not allowed`);
    return entity;
  }

  /** The entity's builds, newest first, from the database; GitHub's are brought in by the scheduled sync task. */
  async builds(entityRef: string, credentials: BackstageCredentials): Promise<AddInBuildsResponse> {
    const entity = await this.entity(entityRef, credentials, exceldnaBuildReadPermission);
    const ref = stringifyEntityRef(entity);
    const fromGitHub = !!entity.metadata.annotations?.[SLUG_ANNOTATION] && !!entity.metadata.annotations?.[EXCELDNA_WORKFLOW_ANNOTATION];
    const github = fromGitHub ? await this.o.github.state(ref) : undefined;
    const builds = (await this.o.store.listBuilds(ref)).map(b => judgeBuild(b, this.o.config));
    return {
      builds,
      github: github && {
        syncing: github.syncing,
        lastSyncedAt: github.lastSyncedAt,
        checkedAt: github.lastSyncedAt,
        stale: github.stale,
        problem: github.problem,
      },
      policy: { requireBothBitnesses: this.o.config.requireBothBitnesses, ...this.o.config.filePolicy },
    };
  }

  async download(entityRef: string, sha256: string, credentials: BackstageCredentials) {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new InputError('sha256 must be 64 lower-case hex digits');
    const entity = await this.entity(entityRef, credentials, exceldnaBuildReadPermission);
    const file = await this.o.store.fileOfEntity(stringifyEntityRef(entity), sha256);
    if (!file) throw new NotFoundError(`No add-in file ${sha256} in the builds of ${entityRef}`);
    return file;
  }

  /** A build pushed by CI: one .xll, added to the build `buildKey` (created when new). */
  async upload(
    entityRef: string,
    b: { buildKey: string; fileName: string; version?: string; branch?: string; commit?: string; content: Buffer },
    credentials: BackstageCredentials,
  ) {
    const entity = await this.entity(entityRef, credentials, exceldnaBuildUploadPermission);
    const ref = stringifyEntityRef(entity);
    const existing = (await this.o.store.listBuilds(ref, 1000)).find(x => x.source === 'upload' && x.buildKey === b.buildKey);
    const files = [{ fileName: b.fileName, content: b.content }];
    const sha256 = await this.o.store.storeFile(b.content);
    for (const f of existing?.files ?? []) {
      if (f.fileName !== b.fileName) files.push({ fileName: f.fileName, content: (await this.o.store.fileOfEntity(ref, f.sha256))!.content });
    }
    await this.o.store.addBuild({
      entityRef: ref,
      source: 'upload',
      buildKey: b.buildKey,
      version: b.version ?? existing?.version ?? null,
      branch: b.branch ?? existing?.branch ?? null,
      commit: b.commit ?? existing?.commit ?? null,
      createdAt: existing?.createdAt,
      files,
    });
    const build = (await this.o.store.listBuilds(ref, 1000)).find(x => x.source === 'upload' && x.buildKey === b.buildKey)!;
    return { sha256, build: judgeBuild(build, this.o.config) };
  }
}
