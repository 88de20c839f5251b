import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import type {
  SourceHandlers,
  StartPosition,
  StreamMessage,
  StreamSource,
} from './types';

export interface KafkaTopicSourceOptions {
  brokers: string[];
  topic: string;
  timestampField?: string;
  clientId?: string;
  /** Read the retained backlog first instead of tailing from the end (the benchmark measures ingest this way). */
  fromBeginning?: boolean;
  ssl?: boolean;
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
}

const EMPTY = Buffer.alloc(0);
/** kafkajs's error log lines about a broker it could not reach (it retries them). */
const CONNECTION_ERROR = /Connection (error|timeout)|Failed to connect/;
const SEED_RETRY =
  /^Failed to connect to seed broker, trying another broker from the list: /;
const SLICE = 256;

function toMessage(partition: number, m: KafkaMessage): StreamMessage {
  return {
    partition,
    offset: Number(m.offset),
    time: Number(m.timestamp) || Date.now(),
    key: m.key ? m.key.toString('utf8') : undefined,
    bytes: m.value ?? EMPTY,
  };
}

/**
 * Tails a Kafka topic from its end with kafkajs. The consumer group is the viewer's own
 * (`stacktalk-stream-viewer-<random>`) and never commits: the services' groups are untouched.
 */
export class KafkaTopicSource implements StreamSource {
  private consumer?: Consumer;
  private watchdog?: NodeJS.Timeout;
  readonly timestampField?: string;

  constructor(private readonly options: KafkaTopicSourceOptions) {
    this.timestampField = options.timestampField;
  }

  /**
   * A kafkajs client; `onConnectionError` gets every failed attempt to reach a broker (kafkajs
   * retries them quietly: its error log is the only place they show).
   */
  private client(
    retries: number,
    onConnectionError?: (message: string) => void,
  ) {
    return new Kafka({
      clientId: this.options.clientId ?? 'stacktalk-stream-viewer',
      brokers: this.options.brokers,
      ssl: this.options.ssl,
      sasl: this.options.sasl as any,
      logLevel: onConnectionError ? logLevel.ERROR : logLevel.NOTHING,
      logCreator: () => entry => {
        const message = entry.log.message;
        if (onConnectionError && CONNECTION_ERROR.test(message))
          onConnectionError(message.replace(SEED_RETRY, ''));
      },
      retry: { retries, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  async start(handlers: SourceHandlers) {
    let lastFetch = 0;
    let live = false;
    /** Since when the reader has been in trouble (unset while live). */
    let troubleSince: number | undefined;
    const trouble = (reason: string) => {
      live = false;
      troubleSince ??= Date.now();
      handlers.onState({ state: 'reconnecting', reason, since: troubleSince });
    };
    const kafka = this.client(Number.MAX_SAFE_INTEGER, message => {
      // A broker down at start, or one of several lost while fetches still work elsewhere.
      if (Date.now() - lastFetch > 1000)
        trouble(`cannot reach the brokers (${message}); retrying`);
    });
    const consumer = kafka.consumer({
      groupId: `stacktalk-stream-viewer-${randomUUID()}`,
      maxWaitTimeInMs: 100,
      retry: {
        retries: Number.MAX_SAFE_INTEGER,
        initialRetryTime: 300,
        maxRetryTime: 10_000,
      },
    });
    this.consumer = consumer;
    handlers.onState({ state: 'connecting', since: Date.now() });
    // kafkajs retries a lost broker quietly; a fetch is answered at least every maxWaitTime
    // (100 ms here: brokers such as librdkafka's mock hold a fetch that long even when data is
    // waiting, which would be latency on the chart), so 5 s of silence means the broker is gone.
    const setLive = () => {
      lastFetch = Date.now();
      if (!live) {
        live = true;
        troubleSince = undefined;
        handlers.onState({ state: 'live', since: lastFetch });
      }
    };
    // Live from the first answered fetch, not from joining the group: only then are the start
    // offsets resolved, so everything produced after `live` is read.
    consumer.on(consumer.events.FETCH, setLive);
    this.watchdog = setInterval(() => {
      if (live && Date.now() - lastFetch > 5000)
        trouble(
          `no answer from the brokers for ${Math.round(
            (Date.now() - lastFetch) / 1000,
          )} s`,
        );
    }, 1000);
    this.watchdog.unref?.();
    // Each of these ends `live`: the next answered fetch says so again.
    consumer.on(consumer.events.CRASH, e =>
      trouble(String(e.payload.error?.message ?? 'consumer crashed')),
    );
    consumer.on(consumer.events.REQUEST_TIMEOUT, () =>
      trouble('request timed out'),
    );
    consumer.on(consumer.events.DISCONNECT, () =>
      trouble('disconnected from the broker'),
    );
    await consumer.connect();
    await consumer.subscribe({
      topic: this.options.topic,
      fromBeginning: this.options.fromBeginning ?? false,
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        // A fetch brings thousands of messages per partition: handed over in slices, so each
        // slice's message objects die young instead of all of them outliving a garbage collection.
        const { messages, partition } = batch;
        for (let i = 0; i < messages.length; i += SLICE) {
          const slice: StreamMessage[] = [];
          const end = Math.min(messages.length, i + SLICE);
          for (let k = i; k < end; k++)
            slice.push(toMessage(partition, messages[k]));
          handlers.onMessages(slice);
        }
      },
    });
  }

  /**
   * History on a consumer of its own (a throwaway group that never commits): from the offsets of
   * a time (ListOffsets by timestamp) or the given offset, up to the high-water marks of now or
   * the first message at or after `until`, whichever comes first.
   */
  async backfill(
    from: Exclude<StartPosition, { kind: 'now' }>,
    until: number,
    onMessages: (m: StreamMessage[]) => void,
    limit: number,
  ) {
    if (from.kind === 'id')
      throw new Error(
        'a Kafka topic starts at an offset, not a stream entry id',
      );
    const topic = this.options.topic;
    const kafka = this.client(3);
    const admin = kafka.admin();
    let consumer: Consumer | undefined;
    let note: string | undefined;
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      const starts = new Map<number, number>();
      let notBefore = 0;
      if (from.kind === 'time') {
        // A broker that cannot look offsets up by time answers every lookup with the end; asking
        // for time 0 tells: a real broker answers with the earliest offset.
        const probe = await admin.fetchTopicOffsetsByTimestamp(topic, 0);
        const honest = offsets.every(
          o =>
            o.high === o.low ||
            probe.find(p => p.partition === o.partition)?.offset === o.low,
        );
        const byTime = honest
          ? await admin.fetchTopicOffsetsByTimestamp(topic, Math.floor(from.at))
          : [];
        for (const o of offsets)
          starts.set(
            o.partition,
            Number(
              honest
                ? byTime.find(p => p.partition === o.partition)?.offset ??
                    o.high
                : o.low,
            ),
          );
        if (!honest) {
          notBefore = from.at;
          note =
            'this broker cannot look offsets up by time: history was scanned from the earliest retained offset';
        }
      } else {
        if (
          from.partition !== undefined &&
          !offsets.some(o => o.partition === from.partition)
        ) {
          throw new Error(
            `partition ${
              from.partition
            } does not exist: ${topic} has partitions 0-${offsets.length - 1}`,
          );
        }
        for (const o of offsets) {
          if (from.partition !== undefined && o.partition !== from.partition)
            continue;
          starts.set(
            o.partition,
            Math.min(
              Math.max(Number(from.offset), Number(o.low)),
              Number(o.high),
            ),
          );
        }
      }
      const ends = new Map(offsets.map(o => [o.partition, Number(o.high)]));
      const pending = new Set(
        [...starts]
          .filter(([p, start]) => start < ends.get(p)!)
          .map(([p]) => p),
      );
      if (pending.size === 0) return { note };
      // A partition read from its earliest retained offset, when that is not 0, has lost older
      // messages to retention: history is complete only from its first retained message.
      const lows = new Map(offsets.map(o => [o.partition, Number(o.low)]));
      const truncated = new Set(
        [...pending].filter(
          p => lows.get(p)! > 0 && starts.get(p) === lows.get(p),
        ),
      );
      let completeFrom: number | undefined;
      let read = 0;
      consumer = kafka.consumer({
        groupId: `stacktalk-stream-viewer-history-${randomUUID()}`,
        maxWaitTimeInMs: 500,
        retry: { retries: 3 },
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      const done = new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(
          () => reject(new Error('reading history timed out after 120 s')),
          120_000,
        );
        timeout.unref?.();
        consumer!.on(consumer!.events.CRASH, e => reject(e.payload.error));
        consumer!
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const p = batch.partition;
              if (!pending.has(p)) return;
              const end = ends.get(p)!;
              const out: StreamMessage[] = [];
              if (truncated.delete(p) && batch.messages.length)
                completeFrom = Math.max(
                  completeFrom ?? 0,
                  Number(batch.messages[0].timestamp),
                );
              for (const m of batch.messages) {
                const offset = Number(m.offset);
                if (
                  offset >= end ||
                  Number(m.timestamp) >= until ||
                  read >= limit
                ) {
                  pending.delete(p);
                  break;
                }
                if (offset === end - 1) pending.delete(p);
                if (Number(m.timestamp) < notBefore) continue;
                out.push(toMessage(p, m));
                read++;
              }
              if (out.length) onMessages(out);
              if (pending.size === 0 || read >= limit) {
                clearTimeout(timeout);
                resolve();
              }
            },
          })
          .then(() => {
            for (const [partition, offset] of starts)
              if (pending.has(partition))
                consumer!.seek({ topic, partition, offset: String(offset) });
            const idle = offsets
              .map(o => o.partition)
              .filter(p => !pending.has(p));
            if (idle.length) consumer!.pause([{ topic, partitions: idle }]);
          }, reject);
      });
      await done;
      return { note, completeFrom };
    } finally {
      await admin.disconnect().catch(() => {});
      await consumer?.disconnect().catch(() => {});
    }
  }

  async stop() {
    clearInterval(this.watchdog);
    await this.consumer?.disconnect().catch(() => {});
  }
}
