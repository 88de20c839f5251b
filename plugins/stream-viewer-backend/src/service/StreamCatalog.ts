import type { Config } from '@backstage/config';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KAFKA_CLUSTER,
  ANNOTATION_KAFKA_CONSUMER_GROUPS,
  ANNOTATION_KAFKA_TOPIC,
  ANNOTATION_REDIS_INSTANCE,
  ANNOTATION_REDIS_STREAM,
  ANNOTATION_STREAM_FIELDS,
  ANNOTATION_STREAM_TIMESTAMP_FIELD,
  type StreamDescriptor,
} from '@stacktalk/plugin-stream-viewer-common';

export interface KafkaCluster {
  name: string;
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
}

export type { StreamDescriptor } from '@stacktalk/plugin-stream-viewer-common';

export function readStreamConfig(config: Config) {
  const kafka: KafkaCluster[] = (
    config.getOptionalConfigArray('streamViewer.kafka.clusters') ?? []
  ).map(c => ({
    name: c.getString('name'),
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
  ).map(c => ({ name: c.getString('name'), url: c.getString('url') }));
  return { kafka, redis };
}

/** The stream a Resource entity describes, if its annotations name one. */
export function describeStream(
  entity: Entity,
  servers: { kafka: KafkaCluster[]; redis: RedisInstance[] },
): StreamDescriptor | undefined {
  const a = entity.metadata.annotations ?? {};
  const common = {
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title ?? entity.metadata.name,
    fields: (a[ANNOTATION_STREAM_FIELDS] ?? '')
      .split(',')
      .map(f => f.trim())
      .filter(Boolean),
    ...(a[ANNOTATION_STREAM_TIMESTAMP_FIELD]
      ? { timestampField: a[ANNOTATION_STREAM_TIMESTAMP_FIELD] }
      : {}),
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
