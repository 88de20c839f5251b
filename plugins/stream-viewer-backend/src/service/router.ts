import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  coveredOnlyFrom,
  FilterSyntaxError,
  parseFilter,
  streamsMetricsReadPermission,
  streamsPayloadReadPermission,
} from '@stacktalk/plugin-stream-viewer-common';
import express from 'express';
import Router from 'express-promise-router';
import {
  describeStream,
  type StreamDescriptor,
  type StreamServers,
} from './StreamCatalog';
import type { StreamClaims } from './StreamClaims';
import type { StreamHub } from './StreamHub';
import {
  TooManySubscriptionsError,
  type SubscriptionLimits,
} from './SubscriptionLimits';
import { kafkaTopicInfo, redisStreamInfo } from './StreamInfo';
import { parseStartPosition } from './types';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  hub: StreamHub;
  servers: StreamServers;
  claims: StreamClaims;
  limits: SubscriptionLimits;
}

const WINDOWS = [60_000, 300_000, 900_000, 3_600_000];

/** The hub's key of a stream; plugin.ts creates the source from it. */
const streamKey = (stream: StreamDescriptor) =>
  JSON.stringify({
    transport: stream.transport,
    server: stream.server,
    name: stream.name,
    timestampField: stream.timestampField,
  });

/** HTTP → stream hub. Every route authenticates; charts need `streams.metrics.read`, payloads `streams.payload.read`. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, hub, servers, claims, limits } =
    options;
  const router = Router();

  async function mayReadMetrics(credentials: BackstageCredentials) {
    const [metrics] = await permissions.authorize(
      [{ permission: streamsMetricsReadPermission }],
      { credentials },
    );
    if (metrics.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        'You may not view streams (streams.metrics.read)',
      );
  }

  /** Payloads are conditioned on the stream's catalog Resource (by default: its owners). */
  async function mayReadPayloads(
    streamRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<boolean[]> {
    if (streamRefs.length === 0) return [];
    const decisions = await permissions.authorize(
      streamRefs.map(resourceRef => ({
        permission: streamsPayloadReadPermission,
        resourceRef,
      })),
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }

  async function entity(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    let canonical: string;
    try {
      canonical = stringifyEntityRef(parseEntityRef(ref));
    } catch (e) {
      throw new InputError(
        `"${ref.slice(0, 100)}" is not an entity ref: ${(e as Error).message}`,
      );
    }
    const found = await catalog.getEntityByRef(canonical, { credentials });
    if (!found)
      throw new NotFoundError(`No entity ${canonical} in the catalog`);
    return found;
  }

  /**
   * The stream `e` describes, with `problem` set when it may not be shown: a field annotation
   * that does not parse, or another entity's claim on the same topic / stream.
   */
  async function describeChecked(
    e: Entity,
  ): Promise<StreamDescriptor | undefined> {
    const stream = describeStream(e, servers);
    if (!stream || stream.problem || !stream.configured) return stream;
    const problem = await claims.problem(stream, e);
    return problem ? { ...stream, problem } : stream;
  }

  /** The entity's own stream (a Resource), or those of the resources it depends on. */
  async function streamsOf(
    e: Entity,
    credentials: BackstageCredentials,
  ): Promise<StreamDescriptor[]> {
    const own = await describeChecked(e);
    if (own) return [own];
    const deps = (e.relations ?? [])
      .filter(
        r => r.type === 'dependsOn' && r.targetRef.startsWith('resource:'),
      )
      .map(r => r.targetRef);
    const found = await Promise.all(
      deps.map(ref => catalog.getEntityByRef(ref, { credentials })),
    );
    const described = await Promise.all(
      found.map(d => (d ? describeChecked(d) : undefined)),
    );
    return described.filter((s): s is StreamDescriptor => !!s);
  }

  /** Who the portal lets see a stream's contents, for refusals: the Resource's owner. */
  function ownersOf(e: Entity): string {
    const owners = (e.relations ?? [])
      .filter(r => r.type === 'ownedBy')
      .map(r => r.targetRef);
    const owner = owners.length
      ? owners.join(', ')
      : String((e.spec as { owner?: string } | undefined)?.owner ?? 'nobody');
    return `the owners of ${stringifyEntityRef(e)} (${owner})`;
  }

  router.get('/streams', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await mayReadMetrics(credentials);
    const e = await entity(String(req.query.entityRef ?? ''), credentials);
    const streams = await streamsOf(e, credentials);
    const payload = await mayReadPayloads(
      streams.map(st => st.entityRef),
      credentials,
    );
    res.json({
      streams: streams.map((st, i) => ({ ...st, payload: payload[i] })),
      access: { metrics: true },
      configured: {
        kafka: servers.kafka.map(k => k.name),
        redis: servers.redis.map(r => r.name),
      },
    });
  });

  /**
   * The configured stream a Resource describes; 404 naming what is missing otherwise, 400 for an
   * annotation that does not parse, 409 when another entity claims the stream (`StreamClaims`).
   */
  async function configuredStream(e: Entity): Promise<StreamDescriptor> {
    const stream = describeStream(e, servers);
    if (!stream)
      throw new NotFoundError(
        `${stringifyEntityRef(
          e,
        )} names no Kafka topic or Redis stream (stacktalk.io/* annotations)`,
      );
    if (!stream.configured) {
      throw new NotFoundError(
        `Unknown ${
          stream.transport === 'kafka' ? 'Kafka cluster' : 'Redis instance'
        } "${stream.server}": add it to streamViewer.${
          stream.transport === 'kafka' ? 'kafka.clusters' : 'redis.instances'
        } in app-config.yaml`,
      );
    }
    if (stream.problem) throw new InputError(stream.problem);
    const conflict = await claims.problem(stream, e);
    if (conflict) throw new ConflictError(conflict);
    return stream;
  }

  // Partitions and consumer-group lag (Kafka) or length, groups and pending (Redis XINFO).
  router.get('/streams/info', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await mayReadMetrics(credentials);
    const stream = await configuredStream(
      await entity(String(req.query.entityRef ?? ''), credentials),
    );
    try {
      res.json(
        stream.transport === 'kafka'
          ? await kafkaTopicInfo(
              servers.kafka.find(k => k.name === stream.server)!,
              stream.name,
              stream.consumerGroups,
            )
          : await redisStreamInfo(
              servers.redis.find(r => r.name === stream.server)!,
              stream.name,
            ),
      );
    } catch (error) {
      const message = (error as Error).message;
      if (/no such key/i.test(message))
        throw new NotFoundError(
          `Redis stream "${stream.name}" does not exist on ${stream.server}`,
        );
      if (/does not host this topic-partition|UNKNOWN_TOPIC/i.test(message))
        throw new NotFoundError(
          `Kafka topic "${stream.name}" does not exist on ${stream.server}`,
        );
      throw new ServiceUnavailableError(
        `${stream.server} is unreachable: ${message}`,
      );
    }
  });

  // The last 5 minutes of each stream of an entity, as numbers: for reports (service principals) and users.
  router.get('/streams/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await mayReadMetrics(credentials);
    const e = await entity(String(req.query.entityRef ?? ''), credentials);
    const windowMs = 300_000;
    const streams = (await streamsOf(e, credentials)).filter(
      st => st.configured && !st.problem,
    );
    // Field figures are read from message contents: only for those who may see them.
    const payloads = await mayReadPayloads(
      streams.map(st => st.entityRef),
      credentials,
    );
    const summaries = await Promise.all(
      streams.map(async (stream, i) => {
        const snapshot = await hub.sample(
          streamKey(stream),
          { windowMs, fields: payloads[i] ? stream.fields : [] },
          15_000,
        );
        const counts = snapshot?.rate.map(([, n]) => n) ?? [];
        return {
          stream,
          // Still connecting when the sample gave up: the server did not answer in time.
          connection:
            snapshot && snapshot.connection.state !== 'connecting'
              ? snapshot.connection
              : {
                  state: 'unreachable',
                  reason: 'no answer within 15 s',
                  since: Date.now(),
                },
          windowMs,
          // Set when the server no longer had the start of the window (retention).
          completeFrom: snapshot && coveredOnlyFrom(snapshot, windowMs),
          messages: snapshot?.totals.matched ?? 0,
          perSecond: {
            mean: counts.length
              ? counts.reduce((a, b) => a + b, 0) / counts.length
              : 0,
            peak: counts.length ? Math.max(...counts) : 0,
          },
          rate: snapshot?.rate ?? [],
          fields: Object.fromEntries(
            Object.entries(snapshot?.series ?? {}).map(([field, points]) => {
              const values = points.map(([, v]) => v);
              return [
                field,
                values.length
                  ? {
                      min: Math.min(...values),
                      max: Math.max(...values),
                      last: values[values.length - 1],
                    }
                  : null,
              ];
            }),
          ),
          decodeFailures: snapshot?.totals.decodeFailures ?? 0,
        };
      }),
    );
    res.json({ entityRef: stringifyEntityRef(e), streams: summaries });
  });

  // Server-sent events: a snapshot at most 10 times a second. Sent with fetch (the browser's
  // EventSource cannot carry the Authorization header).
  router.get('/streams/live', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await mayReadMetrics(credentials);
    const e = await entity(String(req.query.entityRef ?? ''), credentials);
    const stream = await configuredStream(e);
    const windowMs = Number(req.query.window ?? 300_000);
    if (!WINDOWS.includes(windowMs))
      throw new InputError(
        `window must be one of ${WINDOWS.join(', ')} (milliseconds)`,
      );
    let filter;
    if (typeof req.query.filter === 'string' && req.query.filter.trim()) {
      try {
        filter = parseFilter(req.query.filter);
      } catch (error) {
        if (error instanceof FilterSyntaxError)
          throw new InputError(`Malformed filter: ${error.message}`);
        throw error;
      }
    }
    let start;
    try {
      start = parseStartPosition(
        typeof req.query.start === 'string' ? req.query.start : undefined,
        stream.transport,
      );
    } catch (error) {
      throw new InputError((error as Error).message);
    }
    const [payloads] = await mayReadPayloads([stream.entityRef], credentials);
    // A filter is evaluated on message contents: its matches would reveal them, one probe at a time.
    if (filter && !payloads)
      throw new NotAllowedError(
        `Filtering reads message contents, which need streams.payload.read on ${
          stream.entityRef
        }: the portal gives it to ${ownersOf(
          e,
        )}. Without it the tab shows rates, sizes and partitions.`,
      );
    let release: () => void;
    try {
      release = limits.acquire(credentials.principal.userEntityRef);
    } catch (error) {
      if (!(error instanceof TooManySubscriptionsError)) throw error;
      // No Backstage error class answers 429: the same body shape, so clients read the reason.
      res.status(429).json({
        error: { name: error.name, message: error.message },
        request: { method: req.method, url: req.originalUrl },
        response: { statusCode: 429 },
      });
      return;
    }
    // no-transform: the compression middleware would otherwise hold small snapshots back.
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(
      `event: stream\ndata: ${JSON.stringify({
        ...stream,
        payload: payloads,
      })}\n\n`,
    );
    let unsubscribe: () => void;
    try {
      unsubscribe = hub.subscribe(
        streamKey(stream),
        {
          windowMs,
          // Field charts are values read from message contents.
          fields: payloads ? stream.fields : [],
          filter,
          payloads,
          start,
        },
        (_snapshot, encoded) => {
          // A browser that has not read the last one gets nothing queued: it gets the next snapshot.
          if (res.writableNeedDrain) return false;
          return res.write(`event: snapshot\ndata: ${encoded()}\n\n`);
        },
      );
    } catch (error) {
      release();
      throw error;
    }
    // Proxies close idle connections; a comment line every 15 s keeps a quiet stream open.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      release();
    });
  });

  return router;
}
