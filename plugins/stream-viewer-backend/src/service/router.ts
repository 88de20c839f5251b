import type { BackstageCredentials, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  FilterSyntaxError,
  parseFilter,
  streamsMetricsReadPermission,
  streamsPayloadReadPermission,
} from '@stacktalk/plugin-stream-viewer-common';
import express from 'express';
import Router from 'express-promise-router';
import { describeStream, type KafkaCluster, type RedisInstance, type StreamDescriptor } from './StreamCatalog';
import type { StreamHub } from './StreamHub';
import { kafkaTopicInfo, redisStreamInfo } from './StreamInfo';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  hub: StreamHub;
  servers: { kafka: KafkaCluster[]; redis: RedisInstance[] };
}

const WINDOWS = [60_000, 300_000, 900_000, 3_600_000];

/** HTTP → stream hub. Every route authenticates; charts need `streams.metrics.read`, payloads `streams.payload.read`. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, catalog, hub, servers } = options;
  const router = Router();

  async function allowed(credentials: BackstageCredentials) {
    const [metrics, payload] = await permissions.authorize([{ permission: streamsMetricsReadPermission }, { permission: streamsPayloadReadPermission }], { credentials });
    return { metrics: metrics.result === AuthorizeResult.ALLOW, payload: payload.result === AuthorizeResult.ALLOW };
  }

  async function entity(ref: string, credentials: BackstageCredentials): Promise<Entity> {
    let canonical: string;
    try {
      canonical = stringifyEntityRef(parseEntityRef(ref));
    } catch (e) {
      throw new InputError(`"${ref.slice(0, 100)}" is not an entity ref: ${(e as Error).message}`);
    }
    const found = await catalog.getEntityByRef(canonical, { credentials });
    if (!found) throw new NotFoundError(`No entity ${canonical} in the catalog`);
    return found;
  }

  /** The entity's own stream (a Resource), or those of the resources it depends on. */
  async function streamsOf(e: Entity, credentials: BackstageCredentials): Promise<StreamDescriptor[]> {
    const own = describeStream(e, servers);
    if (own) return [own];
    const deps = (e.relations ?? []).filter(r => r.type === 'dependsOn' && r.targetRef.startsWith('resource:')).map(r => r.targetRef);
    const found = await Promise.all(deps.map(ref => catalog.getEntityByRef(ref, { credentials })));
    return found.flatMap(d => (d ? [describeStream(d, servers)].filter((s): s is StreamDescriptor => !!s) : []));
  }

  router.get('/streams', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const access = await allowed(credentials);
    if (!access.metrics) throw new NotAllowedError('You may not view streams (streams.metrics.read)');
    const e = await entity(String(req.query.entityRef ?? ''), credentials);
    res.json({
      streams: await streamsOf(e, credentials),
      access,
      configured: { kafka: servers.kafka.map(k => k.name), redis: servers.redis.map(r => r.name) },
    });
  });

  /** The configured stream a Resource describes; 404 naming what is missing otherwise. */
  function configuredStream(e: Entity): StreamDescriptor {
    const stream = describeStream(e, servers);
    if (!stream) throw new NotFoundError(`${stringifyEntityRef(e)} names no Kafka topic or Redis stream (stacktalk.io/* annotations)`);
    if (!stream.configured) {
      throw new NotFoundError(`Unknown ${stream.transport === 'kafka' ? 'Kafka cluster' : 'Redis instance'} "${stream.server}": add it to streamViewer.${stream.transport === 'kafka' ? 'kafka.clusters' : 'redis.instances'} in app-config.yaml`);
    }
    return stream;
  }

  // Partitions and consumer-group lag (Kafka) or length, groups and pending (Redis XINFO).
  router.get('/streams/info', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (!(await allowed(credentials)).metrics) throw new NotAllowedError('You may not view streams (streams.metrics.read)');
    const stream = configuredStream(await entity(String(req.query.entityRef ?? ''), credentials));
    try {
      res.json(
        stream.transport === 'kafka'
          ? await kafkaTopicInfo(servers.kafka.find(k => k.name === stream.server)!, stream.name, stream.consumerGroups)
          : await redisStreamInfo(servers.redis.find(r => r.name === stream.server)!, stream.name),
      );
    } catch (error) {
      const message = (error as Error).message;
      if (/no such key/i.test(message)) throw new NotFoundError(`Redis stream "${stream.name}" does not exist on ${stream.server}`);
      if (/does not host this topic-partition|UNKNOWN_TOPIC/i.test(message)) throw new NotFoundError(`Kafka topic "${stream.name}" does not exist on ${stream.server}`);
      res.status(503).json({ error: { name: 'ServiceUnavailableError', message: `${stream.server} is unreachable: ${message}` } });
    }
  });

  // Server-sent events: a snapshot at most 10 times a second. Sent with fetch (the browser's
  // EventSource cannot carry the Authorization header).
  router.get('/streams/live', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const access = await allowed(credentials);
    if (!access.metrics) throw new NotAllowedError('You may not view streams (streams.metrics.read)');
    const stream = configuredStream(await entity(String(req.query.entityRef ?? ''), credentials));
    const windowMs = Number(req.query.window ?? 300_000);
    if (!WINDOWS.includes(windowMs)) throw new InputError(`window must be one of ${WINDOWS.join(', ')} (milliseconds)`);
    let filter;
    if (typeof req.query.filter === 'string' && req.query.filter.trim()) {
      try {
        filter = parseFilter(req.query.filter);
      } catch (error) {
        if (error instanceof FilterSyntaxError) throw new InputError(`Malformed filter: ${error.message}`);
        throw error;
      }
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`event: stream\ndata: ${JSON.stringify(stream)}\n\n`);
    const key = JSON.stringify({ transport: stream.transport, server: stream.server, name: stream.name, timestampField: stream.timestampField });
    const unsubscribe = hub.subscribe(key, { windowMs, fields: stream.fields, filter, payloads: access.payload }, snapshot => {
      // A browser that has not read the last one gets nothing queued: it gets the next snapshot.
      if (res.writableNeedDrain) return false;
      return res.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
    });
    req.on('close', unsubscribe);
  });

  return router;
}
