import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult, type PermissionCriteria, type PermissionCondition } from '@backstage/plugin-permission-common';
import streamViewerPlugin from '@stacktalk/plugin-stream-viewer-backend';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StackTalkPermissionPolicy } from '../StackTalkPermissionPolicy';

/** Who is in which group: the ownership refs the user-info service returns. */
const MEMBERSHIP: Record<string, string[]> = {
  'user:default/alice': ['group:default/telemetry-team'],
  'user:default/bob': ['group:default/voice-team'],
  'user:default/root': ['group:default/secrets-admins'],
};

/** A stream Resource owned by `owner`, registered from `origin`. */
export function streamResource(name: string, owner: string, annotations: Record<string, string>, origin = 'url:https://git.example/stacktalk/catalog/blob/main/all.yaml'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations: { 'backstage.io/managed-by-origin-location': origin, ...annotations } },
    spec: { type: 'redis-stream', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const rules = Object.values(permissionRules) as Array<{ name: string; apply(resource: Entity, params: any): boolean }>;

/** A conditional decision applied to an entity with the catalog's own rules (as the catalog's apply-conditions endpoint does). */
function applies(criteria: PermissionCriteria<PermissionCondition>, entity: Entity): boolean {
  if ('allOf' in criteria) return criteria.allOf.every(c => applies(c, entity));
  if ('anyOf' in criteria) return criteria.anyOf.some(c => applies(c, entity));
  if ('not' in criteria) return !applies(criteria.not, entity);
  const rule = rules.find(r => r.name === criteria.rule);
  if (!rule) throw new Error(`no catalog permission rule ${criteria.rule}`);
  return rule.apply(entity, criteria.params);
}

/**
 * The real stream-viewer plugin with the portal's real policy, answered in-process (the
 * permission backend's HTTP hop is left out); a conditional decision on a catalog entity is
 * applied to that entity with the catalog's own permission rules.
 */
export async function startStreamViewerBackend(options: { entities: Entity[]; streamViewer: object }) {
  const userInfo = {
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])] };
    },
  };
  const policy = new StackTalkPermissionPolicy({ secretsAdminGroups: ['group:default/secrets-admins'], productionEnvironments: ['production'], userInfo });
  const byRef = new Map(options.entities.map(e => [`${e.kind.toLowerCase()}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`, e]));
  const permissions = {
    async authorize(requests: any[], { credentials }: any) {
      return Promise.all(
        requests.map(async r => {
          const d = await policy.handle({ permission: r.permission }, credentials.principal.type === 'user' ? ({ credentials } as any) : undefined);
          if (d.result !== AuthorizeResult.CONDITIONAL) return { result: d.result };
          const entity = r.resourceRef ? byRef.get(r.resourceRef) : undefined;
          return { result: entity && applies(d.conditions, entity) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
        }),
      );
    },
  };
  const backend = await startTestBackend({
    features: [
      streamViewerPlugin,
      catalogServiceMock.factory({ entities: options.entities }),
      createServiceFactory({ service: coreServices.permissions, deps: {}, factory: () => permissions as any }),
      createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => userInfo as any }),
      mockServices.rootConfig.factory({ data: { streamViewer: options.streamViewer } }),
    ],
  });
  return backend.server;
}

export interface SseEvent {
  event: string;
  data: any;
}

/**
 * Opens `/streams/live` as `authorization` and reads server-sent events until `until` says so;
 * a refusal resolves with its status and Backstage error body instead.
 */
export function readLive(server: any, path: string, authorization: string, until: (events: SseEvent[]) => boolean): Promise<{ status: number; events: SseEvent[]; body?: any; close(): void }> {
  return new Promise((resolve, reject) => {
    const port = (server.address() as AddressInfo).port;
    const req = httpRequest({ port, path, headers: { Authorization: authorization } }, res => {
      const events: SseEvent[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      const close = () => req.destroy();
      if (res.statusCode !== 200) {
        res.on('data', chunk => (buffer += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, events, body: JSON.parse(buffer), close }));
        return;
      }
      res.on('data', chunk => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (!data) continue;
          events.push({ event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(data[1]) });
          if (until(events)) resolve({ status: 200, events, close });
        }
      });
    });
    req.on('error', e => (e.message.includes('socket hang up') ? undefined : reject(e)));
    req.end();
  });
}
