import type { Config } from '@backstage/config';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  ANNOTATION_KAFKA_CLUSTER,
  ANNOTATION_KAFKA_CONSUMER_GROUPS,
  ANNOTATION_KAFKA_TOPIC,
  ANNOTATION_REDIS_INSTANCE,
  ANNOTATION_REDIS_STREAM,
  ANNOTATION_STREAM_FIELDS,
  ANNOTATION_STREAM_TIMESTAMP_FIELD,
  parseJsonPath,
  type StreamDescriptor,
} from '@stacktalk/plugin-stream-viewer-common';

/** A topic or stream pinned to the catalog entity that shows it (see `StreamClaims`). */
export interface StreamClaim {
  name: string;
  /** Canonical entity ref. */
  entity: string;
}

export interface KafkaCluster {
  name: string;
  /** Topics pinned to their catalog entity (`claims`). */
  claims?: StreamClaim[];
  brokers: string[];
  ssl: boolean;
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
}

export interface RedisInstance {
  name: string;
  url: string;
  /** Streams pinned to their catalog entity (`claims`). */
  claims?: StreamClaim[];
}

export interface StreamServers {
  kafka: KafkaCluster[];
  redis: RedisInstance[];
}

function readClaims(server: Config, key: 'topic' | 'stream'): StreamClaim[] {
  return (server.getOptionalConfigArray('claims') ?? []).map(c => {
    const entity = c.getString('entity');
    try {
      return {
        name: c.getString(key),
        entity: stringifyEntityRef(parseEntityRef(entity)),
      };
    } catch (error) {
      throw new Error(
        `streamViewer: claim of ${c.getString(key)} on ${server.getString(
          'name',
        )}: "${entity}" is not an entity ref (${(error as Error).message})`,
      );
    }
  });
}

export type { StreamDescriptor } from '@stacktalk/plugin-stream-viewer-common';

export function readStreamConfig(config: Config): StreamServers {
  const kafka: KafkaCluster[] = (
    config.getOptionalConfigArray('streamViewer.kafka.clusters') ?? []
  ).map(c => ({
    name: c.getString('name'),
    claims: readClaims(c, 'topic'),
    brokers: c.getStringArray('brokers'),
    ssl: c.getOptionalBoolean('ssl') ?? false,
    ...(c.has('sasl')
      ? {
          sasl: {
            mechanism: c.getString('sasl.mechanism') as any,
            username: c.getString('sasl.username'),
            password: c.getString('sasl.password'),
          },
        }
      : {}),
  }));
  const redis: RedisInstance[] = (
    config.getOptionalConfigArray('streamViewer.redis.instances') ?? []
  ).map(c => ({
    name: c.getString('name'),
    url: c.getString('url'),
    claims: readClaims(c, 'stream'),
  }));
  return { kafka, redis };
}

/** `streamViewer.trustedLocations` and `streamViewer.limits` (see config.d.ts). */
export function readStreamPolicy(config: Config) {
  return {
    trustedLocations: config.getOptionalStringArray(
      'streamViewer.trustedLocations',
    ),
    limits: {
      perUser:
        config.getOptionalNumber('streamViewer.limits.subscriptionsPerUser') ??
        10,
      total:
        config.getOptionalNumber('streamViewer.limits.subscriptions') ?? 200,
    },
  };
}

/**
 * Why the entity's field annotations cannot be used (a JSON path that does not parse), or
 * undefined: checked before any reader starts, so a bad annotation is a clear message on the
 * entity's tab, never a 500.
 */
function annotationProblem(fields: string[], timestampField?: string) {
  const checks: Array<[string, string]> = fields.map(f => [
    ANNOTATION_STREAM_FIELDS,
    f,
  ]);
  if (timestampField !== undefined)
    checks.push([ANNOTATION_STREAM_TIMESTAMP_FIELD, timestampField]);
  for (const [annotation, path] of checks) {
    try {
      parseJsonPath(path);
    } catch (error) {
      return `The ${annotation} annotation is not valid: ${
        (error as Error).message
      } (paths look like $.latency_ms or $.http["status"])`;
    }
  }
  return undefined;
}

/** The stream a Resource entity describes, if its annotations name one. */
export function describeStream(
  entity: Entity,
  servers: StreamServers,
): StreamDescriptor | undefined {
  const a = entity.metadata.annotations ?? {};
  const fields = (a[ANNOTATION_STREAM_FIELDS] ?? '')
    .split(',')
    .map(f => f.trim())
    .filter(Boolean);
  const timestampField = a[ANNOTATION_STREAM_TIMESTAMP_FIELD] || undefined;
  const problem = annotationProblem(fields, timestampField);
  const common = {
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title ?? entity.metadata.name,
    fields: problem ? [] : fields,
    ...(timestampField && !problem ? { timestampField } : {}),
    ...(problem ? { problem } : {}),
  };
  if (a[ANNOTATION_KAFKA_TOPIC] && a[ANNOTATION_KAFKA_CLUSTER]) {
    const server = a[ANNOTATION_KAFKA_CLUSTER];
    const groups = (a[ANNOTATION_KAFKA_CONSUMER_GROUPS] ?? '')
      .split(',')
      .map(g => g.trim())
      .filter(Boolean);
    return {
      ...common,
      transport: 'kafka',
      server,
      name: a[ANNOTATION_KAFKA_TOPIC],
      ...(groups.length ? { consumerGroups: groups } : {}),
      configured: servers.kafka.some(k => k.name === server),
    };
  }
  if (a[ANNOTATION_REDIS_STREAM] && a[ANNOTATION_REDIS_INSTANCE]) {
    const server = a[ANNOTATION_REDIS_INSTANCE];
    return {
      ...common,
      transport: 'redis',
      server,
      name: a[ANNOTATION_REDIS_STREAM],
      configured: servers.redis.some(r => r.name === server),
    };
  }
  return undefined;
}
