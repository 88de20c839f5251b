import type { BackstageCredentials, BackstageUserPrincipal, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { secretsAdminPermission, type AuditAction, type SecretsEnvironment } from '@stacktalk/plugin-secrets-common';
import express from 'express';
import Router from 'express-promise-router';
import type { SecretStore } from './SecretStore';
import type { SecretsService } from './SecretsService';
import type { Rewrapper } from './Rewrapper';
import { AUDIT_ACTIONS, type AuditQuery } from './AuditLog';
import type { ClientAddress } from './ClientAddress';
import { parseExportFormat } from './exports';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: SecretsService;
  store: SecretStore;
  rewrapper: Rewrapper;
  environments: SecretsEnvironment[];
  clientAddress: ClientAddress;
}

const ENTITY = '/entities/:kind/:namespace/:name';
const SECRET = `${ENTITY}/environments/:environment/secrets/:secret`;

function entityRefOf(req: express.Request) {
  const { kind, namespace, name } = req.params;
  return `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
}


function auditQuery(q: Record<string, unknown>): AuditQuery {
  const str = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 300) : undefined);
  const action = str(q.action);
  const before = Number(q.before);
  return {
    environment: str(q.environment),
    name: str(q.name),
    actor: str(q.actor),
    entityRef: str(q.entityRef),
    action: action && AUDIT_ACTIONS.includes(action as AuditAction) ? (action as AuditAction) : undefined,
    outcome: q.outcome === 'allowed' || q.outcome === 'denied' ? q.outcome : undefined,
    before: Number.isInteger(before) && before > 0 ? before : undefined,
    limit: Math.max(1, Math.min(Number(q.limit) || 100, 500)),
  };
}

/** HTTP → SecretsService. Every route authenticates; every action is authorized in the service. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, service, store, rewrapper, environments, clientAddress } = options;
  const router = Router();
  // The label (portal UI or API) is the client's word; the address is the connection's (see ClientAddress).
  const sourceOf = (req: express.Request, kind: 'user' | 'machine token') => {
    const client = req.get('x-stacktalk-client') === 'portal-ui' ? 'portal UI' : 'API';
    return `${client} (${kind}) from ${clientAddress.of(req)}`;
  };
  // Values are at most 64 KiB of UTF-8; JSON escaping can make that up to 6× longer.
  router.use(express.json({ limit: '512kb' }));

  const user = async (req: express.Request) => ({
    credentials: await httpAuth.credentials(req, { allow: ['user'] }),
    source: sourceOf(req, 'user'),
  });
  const requireAdmin = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [d] = await permissions.authorize([{ permission: secretsAdminPermission }], { credentials });
    if (d.result !== AuthorizeResult.ALLOW) throw new NotAllowedError('Only secrets administrators may do this');
    return credentials;
  };
  const version = (v: unknown) => (v === undefined ? undefined : Number(v));

  router.get('/environments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ environments });
  });

  router.get(`${ENTITY}/secrets`, async (req, res) => {
    res.json(await service.matrix(await user(req), entityRefOf(req)));
  });

  // Counts and missing names only, for a person who may list the entity's secrets: the reports'
  // section asks on behalf of its requester (that token arrives as the user); a plugin's own
  // identity is refused (403), as is an external token.
  router.get(`${ENTITY}/hygiene`, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    if (credentials.principal.type !== 'user')
      throw new NotAllowedError('Secrets hygiene is only for users: call it on behalf of the user');
    const asUser = credentials as BackstageCredentials<BackstageUserPrincipal>;
    res.json(await service.hygiene(entityRefOf(req), { credentials: asUser, source: sourceOf(req, 'user') }));
  });

  router.get(`${ENTITY}/audit`, async (req, res) => {
    res.json({ events: await service.entityAudit(await user(req), entityRefOf(req), auditQuery(req.query)) });
  });

  router.put(SECRET, async (req, res) => {
    const { environment, secret } = req.params;
    res.json(await service.write(await user(req), entityRefOf(req), environment, secret, req.body));
  });

  router.post(`${SECRET}/reveal`, async (req, res) => {
    const { environment, secret } = req.params;
    const v = version(req.body?.version);
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new InputError('version must be a positive whole number');
    res.set('Cache-Control', 'no-store');
    res.json(await service.reveal(await user(req), entityRefOf(req), environment, secret, v));
  });

  router.get(`${SECRET}/history`, async (req, res) => {
    const { environment, secret } = req.params;
    res.json({ versions: await service.history(await user(req), entityRefOf(req), environment, secret) });
  });

  router.post(`${SECRET}/rollback`, async (req, res) => {
    const { environment, secret } = req.params;
    res.json(await service.rollback(await user(req), entityRefOf(req), environment, secret, req.body));
  });

  router.delete(SECRET, async (req, res) => {
    const { environment, secret } = req.params;
    await service.softDelete(await user(req), entityRefOf(req), environment, secret);
    res.status(204).end();
  });

  router.post(`${SECRET}/restore`, async (req, res) => {
    const { environment, secret } = req.params;
    await service.restore(await user(req), entityRefOf(req), environment, secret);
    res.status(204).end();
  });

  router.post(`${SECRET}/destroy`, async (req, res) => {
    const { environment, secret } = req.params;
    const versions = await service.destroy(await user(req), entityRefOf(req), environment, secret, req.body);
    res.json({ destroyedVersions: versions });
  });

  // The one route machine tokens (external access) may call.
  router.get(`${ENTITY}/environments/:environment/export`, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const format = parseExportFormat(req.query.format);
    const { environment } = req.params;
    const doc = credentials.principal.type === 'user'
      ? await service.exportForUser({ credentials: credentials as any, source: sourceOf(req, 'user') }, entityRefOf(req), environment, format)
      : await service.exportForService(credentials as any, sourceOf(req, 'machine token'), entityRefOf(req), environment, format);
    res.set('Cache-Control', 'no-store');
    res.set('Content-Type', doc.contentType);
    res.set('Content-Disposition', `attachment; filename="${doc.filename}"`);
    res.send(doc.body);
  });

  router.get('/audit', async (req, res) => {
    await requireAdmin(req);
    res.json({ events: await store.audit.query(auditQuery(req.query)) });
  });

  router.get('/keys', async (req, res) => {
    await requireAdmin(req);
    res.json({ keys: await store.keyUsage(), rewrap: await rewrapper.status() });
  });

  router.post('/keys/rewrap', async (req, res) => {
    const credentials = await requireAdmin(req);
    res.status(202).json({ rewrap: rewrapper.start(credentials.principal.userEntityRef, sourceOf(req, 'user')) });
  });

  return router;
}
