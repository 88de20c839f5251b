import type { BackstageCredentials, BackstageServicePrincipal, BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  EXPORT_FORMAT_BY_DEPLOYMENT,
  type AuditAction,
  type ExportFormat,
  type ScopeAccess,
  type SecretsEnvironment,
  type SecretsMatrix,
} from '@stacktalk/plugin-secrets-common';
import type { SecretStore } from './SecretStore';
import type { ScopeAuthorizer } from './ScopeAuthorizer';
import type { MachineGrant } from './config';
import { exportFile, ExportRefusedError, type ExportDocument } from './exports';
import type { AuditQuery } from './AuditLog';
import { validateSecretName } from './validation';

type User = BackstageCredentials<BackstageUserPrincipal>;

/** The caller and where the request came from, for authorization and the audit log. */
export interface Caller {
  credentials: User;
  source: string;
}

function parseDate(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const d = new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new InputError(`${field} must be an ISO date such as 2027-01-31, got "${String(value).slice(0, 40)}"`);
  return d;
}

function wholeNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new InputError(`${field} must be a whole number`);
  return value;
}

/** Every secrets operation: authorize per scope, act, audit. The router only maps HTTP to these. */
export class SecretsService {
  constructor(
    private readonly store: SecretStore,
    private readonly authorizer: ScopeAuthorizer,
    private readonly environments: SecretsEnvironment[],
    private readonly machineGrants: MachineGrant[],
  ) {}

  environment(name: string): SecretsEnvironment {
    const env = this.environments.find(e => e.name === name);
    if (!env) throw new NotFoundError(`Unknown environment "${name}"; configured: ${this.environments.map(e => e.name).join(', ')}`);
    return env;
  }

  /**
   * The entity and scope key once the caller may do `action` there; 403 otherwise. A refused
   * reveal or export (`audited`) is recorded in the audit log with the reason before the 403.
   */
  private async scope(caller: Caller, entityRef: string, environment: string, action: keyof ScopeAccess, audited?: { action: AuditAction; name?: string }) {
    this.environment(environment);
    const entity = await this.authorizer.entity(entityRef, caller.credentials);
    const key = { entityRef: stringifyEntityRef(entity), environment };
    try {
      await this.authorizer.require(caller.credentials, entity, environment, action);
    } catch (error) {
      if (audited && error instanceof NotAllowedError) {
        await this.store.audit.record({ ...key, ...audited, ...this.actor(caller), outcome: 'denied', detail: error.message });
      }
      throw error;
    }
    return { entity, key };
  }

  private actor(caller: Caller) {
    return { actor: caller.credentials.principal.userEntityRef, source: caller.source };
  }

  async matrix(caller: Caller, entityRef: string): Promise<SecretsMatrix> {
    const entity = await this.authorizer.entity(entityRef, caller.credentials);
    const access = await this.authorizer.access(caller.credentials, entity, this.environments.map(e => e.name));
    const listable = this.environments.filter(e => access.get(e.name)!.list).map(e => e.name);
    if (listable.length === 0) throw new NotAllowedError(`You may not see the secrets of ${stringifyEntityRef(entity)}`);
    const secrets = (await this.store.list(stringifyEntityRef(entity), { includeDeleted: true })).filter(s =>
      listable.includes(s.environment),
    );
    const missing: Record<string, string[]> = {};
    const live = secrets.filter(s => !s.deletedAt);
    for (const name of new Set(live.map(s => s.name))) {
      const absent = listable.filter(env => !live.some(s => s.name === name && s.environment === env));
      if (absent.length) missing[name] = absent;
    }
    return {
      entityRef: stringifyEntityRef(entity),
      environments: this.environments.map(e => ({ ...e, access: access.get(e.name)! })),
      secrets,
      missing,
    };
  }

  async write(caller: Caller, entityRef: string, environment: string, name: string, body: any) {
    const { key } = await this.scope(caller, entityRef, environment, 'write');
    return this.store.put({
      ...key,
      name: validateSecretName(name),
      value: body?.value,
      expectedVersion: wholeNumber(body?.expectedVersion, 'expectedVersion'),
      description: typeof body?.description === 'string' && body.description ? body.description.slice(0, 1000) : undefined,
      rotateBy: parseDate(body?.rotateBy, 'rotateBy'),
      ...this.actor(caller),
    });
  }

  async reveal(caller: Caller, entityRef: string, environment: string, name: string, version?: number) {
    validateSecretName(name);
    const { key } = await this.scope(caller, entityRef, environment, 'reveal', { action: 'reveal', name });
    const secretKey = { ...key, name };
    const result = await this.store.reveal(secretKey, version);
    await this.store.audit.record({ ...secretKey, ...this.actor(caller), action: 'reveal', version: result.metadata.version });
    return result;
  }

  async history(caller: Caller, entityRef: string, environment: string, name: string) {
    const { key } = await this.scope(caller, entityRef, environment, 'list');
    return this.store.history({ ...key, name: validateSecretName(name) });
  }

  async rollback(caller: Caller, entityRef: string, environment: string, name: string, body: any) {
    const { key } = await this.scope(caller, entityRef, environment, 'write');
    return this.store.rollback({
      ...key,
      name: validateSecretName(name),
      toVersion: wholeNumber(body?.toVersion, 'toVersion'),
      expectedVersion: wholeNumber(body?.expectedVersion, 'expectedVersion'),
      ...this.actor(caller),
    });
  }

  async softDelete(caller: Caller, entityRef: string, environment: string, name: string) {
    const { key } = await this.scope(caller, entityRef, environment, 'delete');
    await this.store.softDelete({ ...key, name: validateSecretName(name), ...this.actor(caller) });
  }

  async restore(caller: Caller, entityRef: string, environment: string, name: string) {
    const { key } = await this.scope(caller, entityRef, environment, 'delete');
    await this.store.restore({ ...key, name: validateSecretName(name), ...this.actor(caller) });
  }

  async destroy(caller: Caller, entityRef: string, environment: string, name: string, body: any) {
    const { key } = await this.scope(caller, entityRef, environment, 'destroy');
    if (body?.confirm !== name) throw new InputError(`Destroying is irreversible: send {"confirm": "${name}"} to confirm`);
    return this.store.destroy({ ...key, name: validateSecretName(name), ...this.actor(caller) });
  }

  /** Requires reveal on the environment (so on every secret in it); audited with the names exported. */
  async exportForUser(caller: Caller, entityRef: string, environment: string, format?: ExportFormat) {
    const { entity, key } = await this.scope(caller, entityRef, environment, 'reveal', { action: 'export' });
    return this.export(entity, key.environment, format, this.actor(caller));
  }

  /** Machine access (CI/CD): an external-access subject granted in `secrets.machineAccess`. */
  async exportForService(
    credentials: BackstageCredentials<BackstageServicePrincipal>,
    source: string,
    entityRef: string,
    environment: string,
    format?: ExportFormat,
  ) {
    const env = this.environment(environment);
    // Static external-access tokens carry the subject as configured; JWKS ones `external:<sub>`.
    const subject = credentials.principal.subject;
    const who = { actor: /^(external|plugin):/.test(subject) ? subject : `external:${subject}`, source };
    const grants = this.machineGrants.filter(g => g.subject === subject && (g.entities.includes('*') || g.entities.includes(entityRef)));
    // `*` covers every environment but production ones, which a grant must name.
    const granted = grants.some(g => g.environments.includes(environment) || (!env.production && g.environments.includes('*')));
    if (!granted) {
      const why = grants.some(g => g.environments.includes('*'))
        ? ': a production environment must be listed by name in secrets.machineAccess'
        : ' (see secrets.machineAccess)';
      const message = `${subject} may not export secrets of ${entityRef} in ${environment}${why}`;
      await this.store.audit.record({ ...who, action: 'export', entityRef, environment, outcome: 'denied', detail: message });
      throw new NotAllowedError(message);
    }
    const entity = await this.authorizer.entity(entityRef, credentials as any);
    return this.export(entity, environment, format, who);
  }

  /**
   * Every value is checked against the format's reader before the file is written; a refusal
   * sends nothing and is audited as a denied export naming the secrets (never their values).
   */
  private async export(entity: Entity, environment: string, format: ExportFormat | undefined, who: { actor: string; source: string }): Promise<ExportDocument> {
    const env = this.environment(environment);
    const chosen = format ?? EXPORT_FORMAT_BY_DEPLOYMENT[env.deployment];
    const entityRef = stringifyEntityRef(entity);
    const secrets = await this.store.revealEnvironment(entityRef, environment);
    const exported = `${chosen}: ${secrets.map(s => `${s.name}@v${s.version}`).join(', ') || 'no secrets'}`;
    try {
      const file = exportFile(chosen, { entityName: entity.metadata.name, environment: env }, secrets);
      await this.store.audit.record({ ...who, action: 'export', entityRef, environment, detail: exported });
      return file;
    } catch (error) {
      if (error instanceof ExportRefusedError) {
        const names = error.refusals.map(r => r.slice(0, r.indexOf(':'))).join(', ');
        await this.store.audit.record({ ...who, action: 'export', entityRef, environment, outcome: 'denied', detail: `${chosen} cannot carry ${names}` });
      }
      throw error;
    }
  }

  /**
   * Counts per environment, names missing somewhere, rotate-by dates due: no values, no
   * versions. For people who may list the entity's secrets (the reports' section asks on their
   * behalf), in the environments they may list.
   */
  async hygiene(entityRef: string, caller: Caller) {
    const environments = this.environments.map(e => e.name);
    const entity = await this.authorizer.entity(entityRef, caller.credentials);
    const access = await this.authorizer.access(caller.credentials, entity, environments);
    const listable = environments.filter(e => access.get(e)!.list);
    if (listable.length === 0) throw new NotAllowedError(`You may not see the secrets of ${entityRef}`);
    const ref = stringifyEntityRef(entity);
    const live = (await this.store.list(ref)).filter(s => listable.includes(s.environment));
    const soon = Date.now() + 14 * 86_400_000;
    const missing: Record<string, string[]> = {};
    for (const name of new Set(live.map(s => s.name))) {
      const absent = listable.filter(env => !live.some(s => s.name === name && s.environment === env));
      if (absent.length) missing[name] = absent;
    }
    return {
      entityRef: ref,
      total: live.length,
      environments: listable.map(name => {
        const here = live.filter(s => s.environment === name);
        const due = here.filter(s => s.rotateBy).map(s => new Date(s.rotateBy!).getTime());
        return { name, count: here.length, overdue: due.filter(t => t < Date.now()).length, dueIn14Days: due.filter(t => t >= Date.now() && t < soon).length };
      }),
      missing,
    };
  }

  /** The entity's audit trail, limited to the environments the caller may list. */
  async entityAudit(caller: Caller, entityRef: string, query: AuditQuery) {
    const entity = await this.authorizer.entity(entityRef, caller.credentials);
    const access = await this.authorizer.access(caller.credentials, entity, this.environments.map(e => e.name));
    const listable = new Set([...access].filter(([, a]) => a.list).map(([env]) => env));
    if (listable.size === 0) throw new NotAllowedError(`You may not see the secrets audit of ${entityRef}`);
    const events = await this.store.audit.query({ ...query, entityRef: stringifyEntityRef(entity) });
    return events.filter(e => !e.environment || listable.has(e.environment));
  }
}
