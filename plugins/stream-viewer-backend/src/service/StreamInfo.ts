import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type {
  KafkaTopicInfo,
  RedisStreamInfo,
} from '@stacktalk/plugin-stream-viewer-common';
import type { KafkaCluster, RedisInstance } from './StreamCatalog';

const VIEWER_GROUP = /^stacktalk-stream-viewer-/;

/**
 * High-water marks and consumer-group lag of a topic, read with an admin client. Groups are
 * listed by the broker (ListGroups); `knownGroups` (the resource's annotation) are added, and
 * used alone where the broker cannot list groups (librdkafka's mock cluster).
 */
export async function kafkaTopicInfo(
  cluster: KafkaCluster,
  topic: string,
  knownGroups: string[] = [],
): Promise<KafkaTopicInfo> {
  const kafka = new Kafka({
    clientId: 'stacktalk-stream-viewer-info',
    brokers: cluster.brokers,
    ssl: cluster.ssl,
    sasl: cluster.sasl as any,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const high = new Map(offsets.map(o => [o.partition, Number(o.high)]));
    const listed = await admin.listGroups().then(
      r => r.groups.map(g => g.groupId),
      () => [] as string[],
    );
    const result: KafkaTopicInfo['groups'] = [];
    for (const groupId of [...new Set([...listed, ...knownGroups])].filter(
      g => !VIEWER_GROUP.test(g),
    )) {
      const [committed] = await admin.fetchOffsets({
        groupId,
        topics: [topic],
      });
      const partitions = (committed?.partitions ?? [])
        .filter(p => Number(p.offset) >= 0)
        .map(p => ({
          partition: p.partition,
          committed: p.offset,
          lag: Math.max(0, (high.get(p.partition) ?? 0) - Number(p.offset)),
        }));
      if (partitions.length)
        result.push({
          groupId,
          lag: partitions.reduce((n, p) => n + p.lag, 0),
          partitions,
        });
    }
    return {
      transport: 'kafka',
      partitions: offsets
        .map(o => ({ partition: o.partition, low: o.low, high: o.high }))
        .sort((a, b) => a.partition - b.partition),
      groups: result,
    };
  } finally {
    await admin.disconnect();
  }
}

function pairs(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2)
    out[String(flat[i])] = flat[i + 1];
  return out;
}

/** XINFO STREAM and XINFO GROUPS of a key. */
export async function redisStreamInfo(
  instance: RedisInstance,
  key: string,
): Promise<RedisStreamInfo> {
  // One attempt, no reconnecting in the background after this request has answered.
  const redis = new Redis(instance.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectionName: 'stacktalk-stream-viewer-info',
  });
  let failure: Error | undefined;
  redis.on('error', error => {
    failure = error;
  });
  try {
    // connect() rejects with "Connection is closed."; the error event says why.
    await redis.connect().catch(error => {
      throw failure ?? error;
    });
    const stream = pairs(
      (await redis.call('XINFO', 'STREAM', key)) as unknown[],
    );
    const groups = (
      (await redis.call('XINFO', 'GROUPS', key)) as unknown[][]
    ).map(g => pairs(g));
    const entryId = (e: unknown) =>
      Array.isArray(e) ? String(e[0]) : undefined;
    return {
      transport: 'redis',
      length: Number(stream.length),
      firstId: entryId(stream['first-entry']),
      lastId: entryId(stream['last-entry']),
      groups: groups.map(g => ({
        name: String(g.name),
        consumers: Number(g.consumers),
        pending: Number(g.pending),
        lastDeliveredId: String(g['last-delivered-id']),
        ...(g.lag !== undefined && g.lag !== null
          ? { lag: Number(g.lag) }
          : {}),
      })),
    };
  } finally {
    redis.disconnect();
  }
}
