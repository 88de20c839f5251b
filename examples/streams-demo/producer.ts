/* eslint-disable no-console */
/**
 * Demo traffic for the stream viewer: realistic StackTalk metrics on every Kafka topic and Redis
 * stream of the example catalog, so the Streams tab has something to chart within a minute.
 *
 *   npm run demo:streams -- [--rate 20] [--rate-of stacktalk.telemetry.raw=20000] [--duration 60]
 *                           [--redis redis://127.0.0.1:6379] [--brokers host:9092] [--port 19092] [--no-consumers]
 *
 * Without --brokers it starts librdkafka's mock Kafka cluster (dev/kafka-mock of the stream
 * viewer backend) with the catalog's topics, reachable at 127.0.0.1:19092 as app-config.yaml
 * says. Streams are read from the catalog files (stacktalk.io/* annotations): fields named in
 * stacktalk.io/stream-fields get realistic shapes, the timestamp field the event time.
 * The consumer groups each Resource names (stacktalk.io/kafka-consumer-groups; else the first
 * component that depends on it) keep up but commit every few seconds, so lag and pending
 * counts move. The mock broker cannot list groups (ListGroups): the stream viewer finds
 * them through that annotation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { parseAllDocuments } from 'yaml';
import {
  startKafkaMock,
  type KafkaMock,
} from '../../plugins/stream-viewer-backend/dev/kafka-mock/kafkaMock';
import {
  codecPaths,
  registerKafkaCodecs,
} from '../../plugins/stream-viewer-backend/src/service/kafkaDecoding';

// The demo's consumer groups read what any producer writes to the demo broker, compressed
// batches included (the end-to-end test adds lz4, zstd and snappy ones with kcat), as the
// fleet's consumers do; kafkajs alone has only gzip.
registerKafkaCodecs(require, codecPaths());

export interface DemoStream {
  transport: 'kafka' | 'redis';
  /** Topic or stream key. */
  name: string;
  fields: string[];
  timestampField?: string;
  /**
   * The demo's consumer groups: those the Resource names (`stacktalk.io/kafka-consumer-groups`),
   * else the first component that dependsOn it.
   */
  consumers: string[];
}

export interface DemoOptions {
  /** Messages per second per stream (default 20). */
  rate?: number;
  /** Per-stream rates by topic / key. */
  rateOf?: Record<string, number>;
  redisUrl?: string;
  /** A real Kafka to use instead of the mock. */
  brokers?: string[];
  /** Port of the mock's fixed bootstrap address (default 19092). */
  port?: number;
  consumers?: boolean;
  /** Prefix for Redis keys (tests). */
  redisPrefix?: string;
  /** Only these streams (tests); default: all of the catalog. */
  only?: string[];
  log?: (line: string) => void;
}

const CATALOG = resolve(__dirname, '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'fixtures' || name === 'node_modules'
        ? []
        : yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** The Kafka topics and Redis streams the example catalog describes. */
export function catalogStreams(dir = CATALOG): DemoStream[] {
  const entities = yamlFiles(dir).flatMap(file =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map(d => d.toJSON())
      .filter(Boolean),
  );
  const resources = entities.filter(
    e =>
      e.kind === 'Resource' &&
      ['kafka-topic', 'redis-stream'].includes(e.spec?.type),
  );
  return resources
    .map(r => {
      const a = r.metadata.annotations ?? {};
      const ref = `resource:default/${r.metadata.name}`;
      const named = String(a['stacktalk.io/kafka-consumer-groups'] ?? '')
        .split(',')
        .map((g: string) => g.trim())
        .filter(Boolean);
      const dependents = entities
        .filter(
          e =>
            e.kind === 'Component' &&
            (e.spec?.dependsOn ?? []).some(
              (d: string) => d === ref || d === `resource:${r.metadata.name}`,
            ),
        )
        .map(e => e.metadata.name);
      return {
        transport: r.spec.type === 'kafka-topic' ? 'kafka' : 'redis',
        name: a['stacktalk.io/kafka-topic'] ?? a['stacktalk.io/redis-stream'],
        fields: String(a['stacktalk.io/stream-fields'] ?? '')
          .split(',')
          .map((f: string) => f.trim())
          .filter(Boolean),
        timestampField: a['stacktalk.io/stream-timestamp-field'],
        consumers: named.length ? named : dependents.slice(0, 1),
      } as DemoStream;
    })
    .filter(s => s.name);
}

const ROUTES = [
  '/api/v1/reports',
  '/api/v1/streams',
  '/api/v1/secrets',
  '/api/v1/catalog',
  '/healthz',
  '/ws',
];
const SERVICES = [
  'stacktalk-core-api',
  'stacktalk-realtime-gateway',
  'stacktalk-report-service',
  'stacktalk-metrics-aggregator',
];
const USERS = Array.from({ length: 40 }, () => randomUUID());
const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];
const noise = (spread: number) => (Math.random() - 0.5) * 2 * spread;

/** A realistic value for a field, by its name: latencies with spikes, rates with a daily-ish wave... */
export function valueFor(
  field: string,
  t: number,
  state: Map<string, number>,
): number {
  const name = field
    .replace(/^\$\.?/, '')
    .split('.')
    .pop()!
    .toLowerCase();
  const wave = Math.sin((t / 60_000) * Math.PI); // a slow wave, one period every 2 minutes
  if (/status/.test(name)) {
    const r = Math.random();
    if (r < 0.01) return 503;
    if (r < 0.03) return 404;
    return r < 0.05 ? 201 : 200;
  }
  if (/latency|duration|_ms$/.test(name)) {
    const base = name.includes('render')
      ? 900
      : name.includes('stt')
      ? 180
      : 40;
    const spike = Math.random() < 0.005 ? base * (6 + Math.random() * 6) : 0;
    return Math.max(
      1,
      Math.round(base + base * 0.35 * wave + noise(base * 0.15) + spike),
    );
  }
  if (/rps|per_sec|throughput/.test(name))
    return Math.max(0, Math.round(220 + 90 * wave + noise(25)));
  if (/lag/.test(name)) {
    const next = Math.max(
      0,
      (state.get(field) ?? 50) + noise(12) + (wave > 0.6 ? 6 : -2),
    );
    state.set(field, next);
    return Math.round(next);
  }
  if (/confidence/.test(name))
    return Math.round((0.86 + 0.08 * wave + noise(0.05)) * 1000) / 1000;
  if (/score/.test(name))
    return Math.round((0.2 + 0.5 * wave + noise(0.3)) * 1000) / 1000;
  if (/reach/.test(name)) return Math.round(Math.exp(6 + Math.random() * 4));
  if (/pages/.test(name)) return 1 + Math.floor(Math.random() * 40);
  if (/progress|pct|percent/.test(name)) {
    const next = ((state.get(field) ?? 0) + 3 + Math.random() * 5) % 101;
    state.set(field, next);
    return Math.round(next);
  }
  if (/bytes/.test(name))
    return Math.round(
      800 + Math.random() * 40_000 + (Math.random() < 0.002 ? 1_500_000 : 0),
    );
  const next = Math.max(0, (state.get(field) ?? 100) + noise(5));
  state.set(field, next);
  return Math.round(next * 10) / 10;
}

function setAt(target: Record<string, any>, path: string, value: unknown) {
  const keys = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  if (keys.length === 0) return;
  let node = target;
  for (const k of keys.slice(0, -1)) node = node[k] ??= {};
  node[keys[keys.length - 1]] = value;
}

/** One message of a stream at time t: its charted fields, its event time, and context. */
export function demoMessage(
  stream: DemoStream,
  t: number,
  state: Map<string, number>,
): string | Buffer {
  if (Math.random() < 0.001)
    return Buffer.from([
      0x00,
      0xff,
      0xfe,
      Math.floor(Math.random() * 255),
      0x01,
    ]); // not decodable: counted, shown as hex
  const message: Record<string, any> = {
    service: pick(SERVICES),
    route: pick(ROUTES),
    trace_id: randomUUID().replace(/-/g, ''),
    user_id: pick(USERS),
  };
  for (const f of stream.fields) setAt(message, f, valueFor(f, t, state));
  if (stream.timestampField)
    setAt(
      message,
      stream.timestampField,
      /_at$/.test(stream.timestampField) ? new Date(t).toISOString() : t,
    );
  return JSON.stringify(message);
}

export interface Demo {
  bootstrap?: string;
  streams: DemoStream[];
  /** Messages sent so far, per transport. */
  stats: { kafka: number; redis: number; consumed: number };
  stop(): Promise<void>;
}

/** Starts the mock broker (unless brokers are given), the producers and the consumer groups. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? (() => {});
  const rate = options.rate ?? 20;
  const streams = catalogStreams().filter(
    s => !options.only || options.only.includes(s.name),
  );
  const kafkaStreams = streams.filter(s => s.transport === 'kafka');
  const redisStreams = streams.filter(s => s.transport === 'redis');
  const stats = { kafka: 0, redis: 0, consumed: 0 };
  const stops: Array<() => Promise<unknown> | void> = [];
  let stopped = false;

  let mock: KafkaMock | undefined;
  let bootstrap: string | undefined;
  let producer: Producer | undefined;
  const consumers: Consumer[] = [];
  if (kafkaStreams.length) {
    if (options.brokers?.length) {
      bootstrap = options.brokers.join(',');
    } else {
      const topics = [...new Set(kafkaStreams.map(s => s.name))].map(
        t => `${t}:${/telemetry|raw/.test(t) ? 6 : 3}`,
      );
      mock = await startKafkaMock(topics, 1, options.port ?? 19092);
      bootstrap = mock.bootstrap;
      stops.push(() => mock!.stop());
      log(`Kafka mock broker at ${bootstrap} with ${topics.join(', ')}`);
    }
    const kafka = new Kafka({
      clientId: 'stacktalk-streams-demo',
      brokers: bootstrap.split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    stops.unshift(() => producer!.disconnect());
    if (options.consumers !== false) {
      // Joining a group takes seconds: the groups start in the background, the producer at once.
      const joining = kafkaStreams.flatMap(s =>
        s.consumers.map(async group => {
          const consumer = kafka.consumer({
            groupId: group,
            maxWaitTimeInMs: 500,
          });
          consumers.push(consumer);
          await consumer.connect();
          await consumer.subscribe({ topic: s.name, fromBeginning: false });
          // A service that keeps up and commits every few seconds, so its lag moves between
          // zero and a few seconds' worth. (A pause after each batch, as before, let the lag grow
          // for as long as the demo ran: the mock broker answers a fetch with one record batch
          // per partition, a twentieth of a second of messages.)
          await consumer.run({
            autoCommitInterval: 3000,
            eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
              for (const m of batch.messages) {
                resolveOffset(m.offset);
                stats.consumed++;
              }
              await heartbeat();
              await new Promise(r => setTimeout(r, Math.random() * 20));
            },
          });
        }),
      );
      Promise.all(joining).catch(error =>
        log(`a demo consumer group failed: ${(error as Error).message}`),
      );
      stops.unshift(() =>
        Promise.all(consumers.map(c => c.disconnect().catch(() => undefined))),
      );
    }
  }

  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const prefix = options.redisPrefix ?? '';
  const redis = redisStreams.length
    ? new Redis(redisUrl, { maxRetriesPerRequest: 3 })
    : undefined;
  if (redis) stops.push(() => redis.disconnect());
  if (redis && options.consumers !== false) {
    const reader = new Redis(redisUrl, { maxRetriesPerRequest: null });
    stops.push(() => reader.disconnect());
    for (const s of redisStreams) {
      for (const group of s.consumers)
        await redis
          .xgroup('CREATE', prefix + s.name, group, '$', 'MKSTREAM')
          .catch(() => undefined);
    }
    // Each group reads every 2 s and acknowledges 80 % of what it read: pending entries and lag move.
    const readTimer = setInterval(async () => {
      for (const s of redisStreams) {
        for (const group of s.consumers) {
          try {
            const read = (await reader.xreadgroup(
              'GROUP',
              group,
              `${group}-1`,
              'COUNT',
              200,
              'STREAMS',
              prefix + s.name,
              '>',
            )) as any;
            const ids: string[] = (read?.[0]?.[1] ?? [])
              .map((e: [string, string[]]) => e[0])
              .filter(() => Math.random() < 0.8);
            stats.consumed += ids.length;
            if (ids.length) await reader.xack(prefix + s.name, group, ...ids);
          } catch {
            // the demo goes on
          }
        }
      }
    }, 2000);
    stops.unshift(() => clearInterval(readTimer));
  }

  // Every 50 ms, each stream gets rate × 0.05 messages (fractions carried over).
  const state = new Map<string, number>();
  const owed = new Map<string, number>();
  const tick = async () => {
    const now = Date.now();
    const due = (s: DemoStream) => {
      const r = options.rateOf?.[s.name] ?? rate;
      const n = (owed.get(s.name) ?? 0) + r * 0.05;
      owed.set(s.name, n - Math.floor(n));
      return Math.floor(n);
    };
    const topicMessages = kafkaStreams
      .map(s => ({
        topic: s.name,
        messages: Array.from({ length: due(s) }, (_, i) => ({
          // A key per message (a trace id): the default partitioner spreads them over every
          // partition. Four service names as keys hashed to only some of a topic's partitions.
          key: randomUUID(),
          value: demoMessage(s, now - 50 + (i * 50) / Math.max(1, rate), state),
        })),
      }))
      .filter(t => t.messages.length);
    const sends: Array<Promise<unknown>> = [];
    if (producer && topicMessages.length) {
      sends.push(
        producer
          .sendBatch({ topicMessages, acks: 1 })
          .then(
            () =>
              (stats.kafka += topicMessages.reduce(
                (n, t) => n + t.messages.length,
                0,
              )),
          ),
      );
    }
    if (redis) {
      const pipeline = redis.pipeline();
      let n = 0;
      for (const s of redisStreams) {
        for (let i = due(s); i > 0; i--, n++)
          pipeline.xadd(
            prefix + s.name,
            'MAXLEN',
            '~',
            100_000,
            '*',
            'data',
            demoMessage(s, now, state),
          );
      }
      if (n) sends.push(pipeline.exec().then(() => (stats.redis += n)));
    }
    await Promise.all(sends);
  };
  let running = Promise.resolve();
  const timer = setInterval(() => {
    // Skip a tick rather than queue when a send is slow (a broker going away).
    running = running.then(() =>
      stopped
        ? undefined
        : tick().catch(e => log(`send failed: ${(e as Error).message}`)),
    );
  }, 50);
  stops.unshift(async () => {
    clearInterval(timer);
    await running;
  });

  return {
    bootstrap,
    streams,
    stats,
    async stop() {
      stopped = true;
      for (const s of stops) await s();
    },
  };
}

function cli() {
  const args = process.argv.slice(2);
  const value = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rateOf: Record<string, number> = {};
  args.forEach((a, i) => {
    if (a === '--rate-of') {
      const [name, n] = args[i + 1].split('=');
      rateOf[name] = Number(n);
    }
  });
  const duration = Number(value('duration') ?? 0);
  startDemo({
    rate: Number(value('rate') ?? 20),
    rateOf,
    redisUrl: value('redis'),
    brokers: value('brokers')?.split(','),
    port: value('port') ? Number(value('port')) : undefined,
    consumers: !args.includes('--no-consumers'),
    log: line => console.log(line),
  }).then(
    demo => {
      console.log(
        `streams demo ready: ${demo.streams.length} streams (${demo.streams
          .map(s => s.name)
          .join(', ')})`,
      );
      let last = { ...demo.stats };
      const status = setInterval(() => {
        const s = demo.stats;
        console.log(
          `sent ${((s.kafka - last.kafka) / 5).toFixed(0)} Kafka + ${(
            (s.redis - last.redis) /
            5
          ).toFixed(0)} Redis msgs/s; ${s.kafka + s.redis} in all; ${
            s.consumed
          } consumed by the demo's groups`,
        );
        last = { ...s };
      }, 5000);
      const stop = () => {
        clearInterval(status);
        // A client stuck on a vanished broker must not keep the demo alive.
        setTimeout(() => process.exit(0), 5000).unref();
        demo.stop().then(
          () => process.exit(0),
          () => process.exit(0),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      if (duration) setTimeout(stop, duration * 1000);
    },
    error => {
      console.error(`streams demo failed: ${error.message}`);
      process.exit(1);
    },
  );
}

if (require.main === module) cli();
