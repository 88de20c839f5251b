/** What the stream-viewer backend answers and the Streams tab reads (one definition for both). */
import type { DecodedKind } from './decode';

/** [epoch ms, value] */
export type Point = [number, number];

/** A stream as a catalog Resource describes it. */
export interface StreamDescriptor {
  entityRef: string;
  title: string;
  transport: 'kafka' | 'redis';
  /** Kafka cluster or Redis instance name (from the annotation). */
  server: string;
  /** Topic or stream key. */
  name: string;
  fields: string[];
  timestampField?: string;
  /** Kafka consumer groups named by the resource (stacktalk.io/kafka-consumer-groups). */
  consumerGroups?: string[];
  /** Whether the server is in streamViewer config. */
  configured: boolean;
  /**
   * Why the viewer will not show this stream (the routes answer 4xx saying the same): a field
   * annotation that does not parse, or another catalog entity's claim on the same topic / stream.
   */
  problem?: string;
}

export type ConnectionStateName =
  | 'connecting'
  | 'live'
  | 'reconnecting'
  | 'unreachable';

export interface ConnectionState {
  state: ConnectionStateName;
  /** Why it is reconnecting / unreachable (the client library's error). */
  reason?: string;
  since: number;
}

export interface BackfillProgress {
  state: 'loading' | 'done' | 'failed';
  /** Messages read from history so far. */
  loaded: number;
  reason?: string;
}

/** A message as the latest-messages table shows it (only with `streams.payload.read`). */
export interface LatestMessage {
  /** Kafka `partition:offset` or the Redis stream entry id. */
  id: string;
  partition?: number;
  timestamp: number;
  key?: string;
  size: number;
  kind: DecodedKind;
  value?: unknown;
}

/** One server-sent `snapshot` of the live view. */
export interface Snapshot {
  connection: ConnectionState;
  at: number;
  /** Downsampled series per field, ≤ maxPoints each. */
  series: Record<string, Point[]>;
  /** Messages per second, one point per complete second. */
  rate: Point[];
  ratePerPartition?: Record<string, Point[]>;
  totals: { messages: number; decodeFailures: number; matched: number };
  /** Newest first; payloads only when allowed. */
  latest?: LatestMessage[];
  /**
   * What the data covers: from `from` on (the hub has nothing older). `exact: false` when the
   * older part of the window comes from per-second rollups (rate, min and max per second)
   * because the raw buffer no longer holds it.
   */
  coverage: { from: number; exact: boolean };
  backfill?: BackfillProgress;
  /**
   * A filter opened on a full buffer tests the messages already kept in bounded slices: how
   * many it has tested and of how many. Until then its figures cover only the tested part.
   */
  filtering?: { tested: number; of: number };
  /** What the reader reported besides messages, the last 10 (a Kafka batch it could not decode and skipped, with its partition and offsets). */
  notices?: string[];
}

/**
 * When the snapshot covers less than its window (a second or more short of its start: the
 * backend no longer had the older messages, or a filter sees only what it keeps unsummarised),
 * the time it covers from; else undefined.
 */
export function coveredOnlyFrom(
  snapshot: Snapshot,
  windowMs: number,
): number | undefined {
  return snapshot.coverage.from > snapshot.at - windowMs + 1000
    ? snapshot.coverage.from
    : undefined;
}

export interface KafkaTopicInfo {
  transport: 'kafka';
  partitions: Array<{ partition: number; low: string; high: string }>;
  /** The services' consumer groups reading the topic (the viewer's own are left out). */
  groups: Array<{
    groupId: string;
    lag: number;
    partitions: Array<{ partition: number; committed: string; lag: number }>;
  }>;
}

export interface RedisStreamInfo {
  transport: 'redis';
  length: number;
  firstId?: string;
  lastId?: string;
  groups: Array<{
    name: string;
    consumers: number;
    pending: number;
    lastDeliveredId: string;
    lag?: number;
  }>;
}

export type StreamInfo = KafkaTopicInfo | RedisStreamInfo;
