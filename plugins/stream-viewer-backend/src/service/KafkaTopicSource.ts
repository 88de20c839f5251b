import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startHistory, startTail, type TailEvent } from './kafkaTail';
import type { UndecodableEvent } from './kafkaHistory';
import { codecPaths, registerKafkaCodecs } from './kafkaDecoding';
import type {
  MessageBatch,
  SourceHandlers,
  StartPosition,
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

// kafkajs on this thread (the admin client, producers of the tests and benchmark) gets the
// codecs too.
registerKafkaCodecs(require, codecPaths());

/** kafkajs's error log lines about a broker it could not reach (it retries them). */
const CONNECTION_ERROR = /Connection (error|timeout)|Failed to connect/;
const SEED_RETRY =
  /^Failed to connect to seed broker, trying another broker from the list: /;

/** What viewers are told of a batch that could not be decoded. */
const undecodableNotice = (e: UndecodableEvent) =>
  `partition ${e.partition}, offsets ${e.from}–${e.to}: a batch that could not be decoded was skipped (${e.reason})`;

/**
 * Tails a Kafka topic from its end with kafkajs, on a worker thread (`kafkaTail`). The consumer
 * group is the viewer's own (`stacktalk-stream-viewer-<random>`) and never commits: the
 * services' groups are untouched.
 */
export class KafkaTopicSource implements StreamSource {
  private tail?: ReturnType<typeof startTail>;
  private watchdog?: NodeJS.Timeout;
  private relaunch?: NodeJS.Timeout;
  /** The live reader's handlers: history reports skipped batches there too. */
  private handlers?: SourceHandlers;
  readonly timestampField?: string;

  constructor(private readonly options: KafkaTopicSourceOptions) {
    this.timestampField = options.timestampField;
  }

  /** The client's configuration, plain data (the live tail's worker gets a copy). */
  private config(retries: number) {
    return {
      clientId: this.options.clientId ?? 'stacktalk-stream-viewer',
      brokers: this.options.brokers,
      ssl: this.options.ssl,
      sasl: this.options.sasl as any,
      retry: { retries, initialRetryTime: 300, maxRetryTime: 10_000 },
    };
  }

  /** Starts the live tail on the Kafka thread (again, when a thread died). */
  private launch(onEvent: (event: TailEvent) => void) {
    this.tail = startTail(
      {
        config: this.config(Number.MAX_SAFE_INTEGER),
        groupId: `stacktalk-stream-viewer-${randomUUID()}`,
        topic: this.options.topic,
        fromBeginning: this.options.fromBeginning ?? false,
      },
      onEvent,
    );
  }

  async start(handlers: SourceHandlers) {
    this.handlers = handlers;
    let lastFetch = 0;
    let live = false;
    /** Since when the reader has been in trouble (unset while live). */
    let troubleSince: number | undefined;
    const trouble = (reason: string) => {
      live = false;
      troubleSince ??= Date.now();
      handlers.onState({ state: 'reconnecting', reason, since: troubleSince });
    };
    // kafkajs retries a lost broker quietly; a fetch is answered at least every maxWaitTime
    // (100 ms: brokers such as librdkafka's mock hold a fetch that long even when data is
    // waiting, which would be latency on the chart), so 5 s of silence means the broker is gone.
    const setLive = () => {
      lastFetch = Date.now();
      if (!live) {
        live = true;
        troubleSince = undefined;
        handlers.onState({ state: 'live', since: lastFetch });
      }
    };
    handlers.onState({ state: 'connecting', since: Date.now() });
    let isRunning = false;
    let running: (error?: Error) => void = () => {};
    const started = new Promise<void>(
      (resolve, reject) =>
        (running = error => (error ? reject(error) : resolve())),
    );
    const onEvent = (event: TailEvent) => {
      switch (event.type) {
        case 'batch':
          // Live from the first answered fetch, not from joining the group: only then are
          // the start offsets resolved, so everything produced after `live` is read.
          setLive();
          handlers.onMessages(event);
          break;
        case 'fetch':
          setLive();
          break;
        case 'undecodable':
          handlers.onNotice?.(undecodableNotice(event));
          break;
        case 'log':
          // kafkajs's error log is the only place a broker it cannot reach shows (down at
          // start, or one of several lost while fetches still work elsewhere).
          if (
            CONNECTION_ERROR.test(event.message) &&
            Date.now() - lastFetch > 1000
          )
            trouble(
              `cannot reach the brokers (${event.message.replace(
                SEED_RETRY,
                '',
              )}); retrying`,
            );
          break;
        // Each of these ends `live`: the next answered fetch says so again.
        case 'crash':
          trouble(event.message ?? 'consumer crashed');
          break;
        case 'request-timeout':
          trouble('request timed out');
          break;
        case 'disconnect':
          trouble('disconnected from the broker');
          break;
        case 'running':
          isRunning = true;
          running();
          break;
        case 'failed':
          trouble(event.message);
          // Before it ran (the topic refused, say), the start fails; after, the reader's
          // thread is gone: a new one tails from now, a second later.
          if (!isRunning) running(new Error(event.message));
          else this.relaunch = setTimeout(() => this.launch(onEvent), 1000);
          break;
        default:
      }
    };
    this.launch(onEvent);
    this.watchdog = setInterval(() => {
      if (live && Date.now() - lastFetch > 5000)
        trouble(
          `no answer from the brokers for ${Math.round(
            (Date.now() - lastFetch) / 1000,
          )} s`,
        );
    }, 1000);
    this.watchdog.unref?.();
    await started;
  }

  /**
   * History on a consumer of its own (a throwaway group that never commits): from the offsets of
   * a time (ListOffsets by timestamp) or the given offset, up to the high-water marks of now or
   * the first message at or after `until`, whichever comes first.
   */
  async backfill(
    from: Exclude<StartPosition, { kind: 'now' }>,
    until: number,
    onMessages: (batch: MessageBatch) => void,
    limit: number,
  ) {
    if (from.kind === 'id')
      throw new Error(
        'a Kafka topic starts at an offset, not a stream entry id',
      );
    const topic = this.options.topic;
    const kafka = new Kafka({ ...this.config(3), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
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
      // Read on the Kafka thread, where kafkajs has every codec and reads past a batch it
      // cannot decode (reported, as for the live tail).
      const skipped: string[] = [];
      let history: ReturnType<typeof startHistory> | undefined;
      const completeFrom = await new Promise<number | undefined>(
        (resolve, reject) => {
          const timeout = setTimeout(() => {
            history?.stop();
            reject(new Error('reading history timed out after 120 s'));
          }, 120_000);
          timeout.unref?.();
          history = startHistory(
            {
              config: this.config(3),
              groupId: `stacktalk-stream-viewer-history-${randomUUID()}`,
              topic,
              starts: [...starts],
              ends: [...ends],
              truncated: [...truncated],
              until,
              notBefore,
              limit,
            },
            event => {
              if (event.type === 'history-batch') onMessages(event.batch);
              else if (event.type === 'undecodable') {
                const text = undecodableNotice(event);
                if (this.handlers?.onNotice) this.handlers.onNotice(text);
                else skipped.push(text);
              } else {
                clearTimeout(timeout);
                if (event.type === 'failed') reject(new Error(event.message));
                else resolve(event.completeFrom);
              }
            },
          );
        },
      );
      return {
        note: [note, ...skipped].filter(Boolean).join('; ') || undefined,
        completeFrom,
      };
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  async stop() {
    clearInterval(this.watchdog);
    clearTimeout(this.relaunch);
    await this.tail?.stop();
  }
}
