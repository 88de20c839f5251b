/* eslint-disable no-console */
/**
 * Stream viewer benchmark (issue 3), against librdkafka's mock Kafka cluster (the real Kafka
 * protocol over TCP) started here:
 *   1. ingest throughput: a raw kafkajs consumer reading a backlog of N messages, next to the
 *      hub's reader reading the same backlog while 50 simulated browsers are attached (each
 *      takes every snapshot, JSON-encoded as the SSE route sends it) → ratio; once per codec of
 *      `--codecs` (default none,lz4,zstd: the backlog's batches compressed so, both consumers
 *      with the same codecs);
 *   2. latency produce → subscriber receipt at 20k msg/s (a producer in a child process):
 *      p50 / p99;
 *   3. upstream readers (Kafka consumers the hub created) with 1 and with 50 subscribers;
 *   4. RSS of this process (the hub) at start, once the buffers are full (1 min), and after the
 *      soak (default 10 min) at 20k msg/s;
 *   5. (`--browser URL`) Chromium main-thread time per chart update on a running portal, whose
 *      Streams tab shows a topic fed at 20k msg/s (see bench/README or the plugin README).
 * Prints figures and ratios; nothing here asserts a time.
 *
 *   npm run bench:streams -- [--backlog 200000] [--rounds 5 (after a warm-up round)] [--codecs none,lz4,zstd] [--rate 20000] [--latency-seconds 20] [--soak-minutes 10]
 *   npm run bench:streams -- --browser http://localhost:7007 --entity component/stacktalk-telemetry-collector --seconds 20
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import {
  startKafkaMock,
  type KafkaMock,
} from '../plugins/stream-viewer-backend/dev/kafka-mock/kafkaMock';
import { decodePayload } from '../plugins/stream-viewer-common/src/decode';
import { KafkaTopicSource } from '../plugins/stream-viewer-backend/src/service/KafkaTopicSource';
import {
  StreamHub,
  type Snapshot,
} from '../plugins/stream-viewer-backend/src/service/StreamHub';
import { arg, percentile, sleep, telemetry } from './lib';
import { browserBench } from './stream-viewer.browser';

// librdkafka's mock keeps about 5 MB per partition: 200,000 messages over 12 partitions fit,
// and the backlog topic gets a partition more for every 16,667 messages.
const BACKLOG = Number(arg('backlog', '200000'));
const BACKLOG_PARTITIONS = Math.ceil(BACKLOG / 16_667);
const RATE = Number(arg('rate', '20000'));
const LATENCY_SECONDS = Number(arg('latency-seconds', '20'));
const SOAK_MINUTES = Number(arg('soak-minutes', '10'));
const ROUNDS = Number(arg('rounds', '5'));
/** Figure 1's backlog is written once per codec (kafkajs's names: none, gzip, snappy, lz4, zstd). */
const CODECS = arg('codecs', 'none,lz4,zstd').split(',');
const codecType = (name: string): CompressionTypes => {
  const type = Object.entries(CompressionTypes).find(
    ([key]) => key.toLowerCase() === name.toLowerCase(),
  )?.[1];
  if (typeof type !== 'number') throw new Error(`unknown codec ${name}`);
  return type;
};
const SUBSCRIBERS = 50;
const FIELDS = ['$.duration_ms', '$.status'];
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

// ── producer child: `--producer <bootstrap> <topic> <rate> <seconds>`; reports (count, time) per batch over IPC
async function producerChild() {
  const [bootstrap, topic, rate, seconds] = process.argv.slice(
    process.argv.indexOf('--producer') + 1,
  );
  const producer = new Kafka({
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const perTick = Math.max(1, Math.round(Number(rate) / 100)); // a batch every 10 ms
  const end = Date.now() + Number(seconds) * 1000;
  let sent = 0;
  let next = Date.now();
  while (Date.now() < end) {
    const t = Date.now();
    const messages = Array.from({ length: perTick }, (_, k) => ({
      value: telemetry(sent + k, t),
    }));
    await producer.send({
      topic,
      messages,
      acks: 1,
      compression: CompressionTypes.None,
    });
    sent += perTick;
    process.send!({ sent, at: t });
    next += 10;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await producer.disconnect();
  process.send!({ done: true, sent });
  process.exit(0);
}

function startProducer(
  bootstrap: string,
  topic: string,
  rate: number,
  seconds: number,
  onBatch: (sent: number, at: number) => void,
) {
  const child: ChildProcess = fork(
    __filename,
    ['--producer', bootstrap, topic, String(rate), String(seconds)],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
    },
  );
  child.on(
    'message',
    (m: any) =>
      m.sent !== undefined && m.at !== undefined && onBatch(m.sent, m.at),
  );
  return new Promise<number>((resolve, reject) => {
    child.on('message', (m: any) => m.done && resolve(m.sent));
    child.on('exit', code =>
      code ? reject(new Error(`producer exited with ${code}`)) : undefined,
    );
  });
}

async function fillBacklog(
  bootstrap: string,
  topic: string,
  n: number,
  codec: string,
) {
  const producer = new Kafka({
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  const now = Date.now();
  for (let i = 0; i < n; i += 2000) {
    await producer.send({
      topic,
      compression: codecType(codec),
      messages: Array.from({ length: Math.min(2000, n - i) }, (_, k) => ({
        value: telemetry(i + k, now),
      })),
    });
  }
  await producer.disconnect();
}

/**
 * A raw kafkajs consumer reading the backlog from the beginning: msg/s. `decode`: it also
 * decodes each value as a plain consumer of a JSON topic does (decodePayload: UTF-8, then
 * JSON.parse), and keeps nothing. The hub does not decode this way: it reads the charted
 * fields off the bytes (PayloadReader).
 */
async function rawConsumer(
  bootstrap: string,
  topic: string,
  decode = false,
): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `bench-raw-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let raw = 0;
  let rawStart = 0;
  const rawDone = new Promise<number>(resolve =>
    consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (!rawStart) rawStart = performance.now();
        if (decode)
          for (const m of batch.messages)
            decodePayload(m.value ?? Buffer.alloc(0));
        raw += batch.messages.length;
        if (raw >= BACKLOG) resolve(performance.now());
      },
    }),
  );
  const rawEnd = await rawDone;
  await consumer.disconnect();
  return (BACKLOG / (rawEnd - rawStart)) * 1000;
}

/**
 * The hub's reader reading the backlog from the beginning while 50 subscribers are attached
 * (each takes every snapshot, JSON-encoded as the SSE route sends it).
 */
async function hubRun(bootstrap: string, topic: string) {
  let hubStart = 0;
  let hubEnd = 0;
  let hubSeen = 0;
  let ingested = 0;
  let handlerMs = 0;
  let bytes = 0;
  let elu0: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  let mainBusy = 0;
  const hub = new StreamHub({
    graceMs: 100,
    maxMessages: Number(arg('max-messages', '200000')),
    createSource: t => {
      const source = new KafkaTopicSource({
        brokers: [bootstrap],
        topic: t,
        timestampField: '$.ts',
        fromBeginning: true,
      });
      return {
        start: handlers =>
          source.start({
            ...handlers,
            onMessages: batch => {
              if (!hubStart) {
                hubStart = performance.now();
                elu0 = performance.eventLoopUtilization();
              }
              const t = performance.now();
              handlers.onMessages(batch); // rolled up and buffered: what the subscribers see next tick
              handlerMs += performance.now() - t;
              ingested += batch.ends.length;
              if (ingested >= BACKLOG && !hubEnd) {
                hubEnd = performance.now();
                mainBusy = performance.eventLoopUtilization(elu0).utilization;
              }
            },
          }),
        stop: () => source.stop(),
      };
    },
  });
  const offs = Array.from({ length: SUBSCRIBERS }, (_, i) =>
    hub.subscribe(
      topic,
      { windowMs: 60_000, fields: FIELDS, payloads: i % 2 === 0 },
      (s, encoded) => {
        bytes += encoded().length;
        if (!hubSeen && s.totals.messages >= BACKLOG)
          hubSeen = performance.now();
      },
    ),
  );
  while (!hubSeen) await sleep(20);
  offs.forEach(off => off());
  await hub.close();
  return {
    rate: (BACKLOG / (hubEnd - hubStart)) * 1000,
    // Subscribers see the last message at the next tick (≤ 100 ms later).
    seenRate: (BACKLOG / (hubSeen - hubStart)) * 1000,
    handlerMs,
    mainBusy,
    totalMs: hubEnd - hubStart,
    bytes,
  };
}

/**
 * 1. Raw kafkajs vs the hub, each reading the same backlog from the beginning: all three
 * (counting, decoding, hub) run one warm-up round, then `--rounds` rounds (default 5),
 * interleaved, and the best of each is compared; the medians are printed too. None of them is
 * measured cold: the JIT warms kafkajs up by about 1.5x, and the hub's first round also starts
 * its Kafka thread (which then stays for the next stream, as in a running backend). A round
 * reads the backlog in about 0.2 s, and one consumer's rounds vary by up to 1.8x on this machine.
 */
async function throughput(mock: KafkaMock, codec: string) {
  const topic = `bench.backlog.${codec}`;
  console.log(`   batches compressed with: ${codec}`);
  await fillBacklog(mock.bootstrap, topic, BACKLOG, codec);
  const counting: number[] = [];
  const decoding: number[] = [];
  const hubs: Array<Awaited<ReturnType<typeof hubRun>>> = [];
  const warmUp = {
    counting: await rawConsumer(mock.bootstrap, topic),
    decoding: await rawConsumer(mock.bootstrap, topic, true),
    hub: (await hubRun(mock.bootstrap, topic)).rate,
  };
  for (let round = 0; round < ROUNDS; round++) {
    counting.push(await rawConsumer(mock.bootstrap, topic));
    decoding.push(await rawConsumer(mock.bootstrap, topic, true));
    hubs.push(await hubRun(mock.bootstrap, topic));
  }
  const f = (xs: number[]) => xs.map(x => x.toFixed(0)).join(' / ');
  console.log(
    `   msg/s in the warm-up round (not compared): raw kafkajs counting ${warmUp.counting.toFixed(
      0,
    )}, decoding ${warmUp.decoding.toFixed(0)}, hub ${warmUp.hub.toFixed(0)}`,
  );
  console.log(
    `   msg/s per round: raw kafkajs counting ${f(
      counting,
    )}; decoding each value ${f(decoding)}; hub ${f(hubs.map(h => h.rate))}`,
  );
  const best = hubs.reduce((a, b) => (b.rate > a.rate ? b : a));
  const median = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  const hubMedian = median(hubs.map(h => h.rate));
  const rawRate = Math.max(...counting);
  const decodingRate = Math.max(...decoding);
  console.log(
    `   hub (best round): ${best.handlerMs.toFixed(
      0,
    )} ms in the hub's ingest handler over ${best.totalMs.toFixed(
      0,
    )} ms, main thread busy ${(best.mainBusy * 100).toFixed(0)} % of it; ${mb(
      best.bytes,
    )} of snapshots encoded`,
  );
  console.log(
    `1. ingest of ${BACKLOG.toLocaleString(
      'en',
    )} messages (${codec}): hub with ${SUBSCRIBERS} subscribers ${best.rate.toFixed(
      0,
    )} msg/s; raw kafkajs decoding each value ${decodingRate.toFixed(
      0,
    )} msg/s → ratio ${(best.rate / decodingRate).toFixed(
      2,
    )} (goal ≥ 0.9); raw kafkajs only counting ${rawRate.toFixed(
      0,
    )} msg/s → ratio ${(best.rate / rawRate).toFixed(
      2,
    )}; until the subscribers saw the last message ${best.seenRate.toFixed(
      0,
    )} msg/s`,
  );
  console.log(
    `   medians of the rounds: hub ${hubMedian.toFixed(
      0,
    )} msg/s; against counting ${(hubMedian / median(counting)).toFixed(
      2,
    )}, against decoding ${(hubMedian / median(decoding)).toFixed(2)}`,
  );
}

/** 2-4. A 20k msg/s stream into the hub: latency, readers, memory. */
async function live(mock: KafkaMock) {
  const topic = 'bench.live';
  let sources = 0;
  const hub = new StreamHub({
    graceMs: 100,
    createSource: t => {
      sources++;
      return new KafkaTopicSource({
        brokers: [mock.bootstrap],
        topic: t,
        timestampField: '$.ts',
      });
    },
  });
  const rssAtStart = process.memoryUsage().rss;
  let heapAtOneMinute = 0;
  // Latency by counting: the k-th message produced is seen when the subscriber's total reaches k.
  const batches: Array<{ sent: number; at: number }> = [];
  const latencies: Array<[number, number]> = []; // [latency ms, messages]
  let seen = 0;
  let measuring = false;
  let readyResolve: () => void;
  const ready = new Promise<void>(r => (readyResolve = r));
  let snapshotsDelivered = 0;
  const deliver = (first: boolean) => (s: Snapshot, encoded: () => string) => {
    encoded();
    snapshotsDelivered++;
    if (!first) return;
    if (s.connection.state === 'live') readyResolve();
    const received = Date.now();
    while (
      measuring &&
      batches.length &&
      batches[0].sent <= s.totals.messages
    ) {
      const b = batches.shift()!;
      latencies.push([received - b.at, b.sent - seen]);
      seen = b.sent;
    }
  };
  const offs = [
    hub.subscribe(
      topic,
      { windowMs: 60_000, fields: FIELDS, payloads: true },
      deliver(true),
    ),
  ];
  const readersWith1 = hub.readerCount;
  await ready;
  await sleep(2000); // the consumer group settles
  for (let i = 1; i < SUBSCRIBERS; i++)
    offs.push(
      hub.subscribe(
        topic,
        {
          windowMs: [60_000, 300_000, 900_000, 3_600_000][i % 4],
          fields: FIELDS,
          payloads: i % 2 === 0,
        },
        deliver(false),
      ),
    );
  const readersWith50 = hub.readerCount;

  measuring = true;
  // How much of this process's main thread (the backend's, shared with every plugin) the
  // stream takes: kafkajs runs on a thread of its own, the hub's work stays here.
  const loopAtStart = performance.eventLoopUtilization();
  const soakSeconds = Math.max(LATENCY_SECONDS, SOAK_MINUTES * 60);
  let rssAtOneMinute = 0;
  const minuteTimer = setTimeout(
    () =>
      ({ rss: rssAtOneMinute, heapUsed: heapAtOneMinute } =
        process.memoryUsage()),
    Math.min(60_000, soakSeconds * 500),
  );
  // Where the memory goes, every minute: V8's heap, and what lives outside it (Buffers).
  const started = Date.now();
  const memoryTimer = setInterval(() => {
    const m = process.memoryUsage();
    console.log(
      `   ${((Date.now() - started) / 60_000).toFixed(0)} min: RSS ${mb(
        m.rss,
      )}, heap ${mb(m.heapUsed)} used of ${mb(m.heapTotal)}, external ${mb(
        m.external,
      )} (array buffers ${mb(m.arrayBuffers)})`,
    );
  }, 60_000);
  let latencyReported = false;
  const reportLatency = () => {
    if (latencyReported) return;
    latencyReported = true;
    const sorted = latencies
      .flatMap(([ms, n]) => Array(Math.min(n, 1000)).fill(ms))
      .sort((a, b) => a - b);
    const produced = batches.length ? batches[batches.length - 1].sent : seen;
    const busy = performance.eventLoopUtilization(loopAtStart).utilization;
    console.log(
      `2. latency produce → subscriber at ${RATE.toLocaleString(
        'en',
      )} msg/s over ${LATENCY_SECONDS} s: p50 ${percentile(
        sorted,
        50,
      )} ms, p99 ${percentile(
        sorted,
        99,
      )} ms (goal p99 ≤ 250 ms); ${seen.toLocaleString(
        'en',
      )} of ${produced.toLocaleString(
        'en',
      )} produced seen so far; main thread busy ${(busy * 100).toFixed(
        0,
      )} % of the time (event-loop utilization)`,
    );
  };
  const latencyTimer = setTimeout(reportLatency, LATENCY_SECONDS * 1000);
  const produced = await startProducer(
    mock.bootstrap,
    topic,
    RATE,
    soakSeconds,
    (sent, at) => batches.push({ sent, at }),
  );
  reportLatency();
  clearTimeout(latencyTimer);
  clearTimeout(minuteTimer);
  clearInterval(memoryTimer);
  await sleep(1000);
  console.log(
    `3. upstream readers: ${readersWith1} with 1 subscriber, ${readersWith50} with ${SUBSCRIBERS} (Kafka consumers created: ${sources}); ${snapshotsDelivered.toLocaleString(
      'en',
    )} snapshots delivered, ${hub.computed.toLocaleString('en')} computed`,
  );
  const { rss: rssAtEnd, heapUsed: heapAtEnd } = process.memoryUsage();
  console.log(
    `4. RSS of the hub process: ${mb(rssAtStart)} at start, ${mb(
      rssAtOneMinute,
    )} with full buffers, ${mb(rssAtEnd)} after ${(soakSeconds / 60).toFixed(
      1,
    )} min at ${RATE.toLocaleString('en')} msg/s (${produced.toLocaleString(
      'en',
    )} messages) → growth ${(
      ((rssAtEnd - rssAtOneMinute) / rssAtOneMinute) *
      100
    ).toFixed(1)} % after the buffers filled (goal < 10 %); JS heap in use ${mb(
      heapAtOneMinute,
    )} → ${mb(heapAtEnd)}`,
  );
  offs.forEach(off => off());
  await hub.close();
}

async function main() {
  if (process.argv.includes('--producer')) return producerChild();
  if (process.argv.includes('--browser')) {
    return browserBench(
      arg('browser', 'http://localhost:7007'),
      arg('entity', 'component/stacktalk-telemetry-collector'),
      Number(arg('seconds', '20')),
    );
  }
  console.log(
    `stream viewer benchmark: Node ${process.version}, ${
      require('node:os').cpus().length
    } cores`,
  );
  const mock = await startKafkaMock([
    ...CODECS.map(codec => `bench.backlog.${codec}:${BACKLOG_PARTITIONS}`),
    'bench.live:6',
  ]);
  try {
    const only = arg('only', 'all');
    if (only === 'all' || only === 'throughput')
      for (const codec of CODECS) await throughput(mock, codec);
    if (only === 'all' || only === 'live') await live(mock);
  } finally {
    await mock.stop();
  }
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
