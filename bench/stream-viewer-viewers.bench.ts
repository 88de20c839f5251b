/* eslint-disable no-console */
/**
 * Stream viewer: many viewers with distinct filters (issue 17), against librdkafka's mock Kafka
 * cluster (the real Kafka protocol over TCP), started here as in bench/stream-viewer.bench.ts.
 *
 * A producer in a child process sends `--rate` msg/s (default 20,000) to a 6-partition topic;
 * the hub reads it with one viewer until its buffer is full (200,000 messages), then:
 *   A. 1 viewer with a filter, opened on the full buffer (the last 5 minutes, as the tab opens);
 *   B. `--viewers` viewers (default 100), each with a filter of its own, opened together.
 * Every viewer takes every snapshot JSON-encoded, as the SSE route sends it. For each phase
 * (`--seconds`, default 30, from the moment the viewers open, their catch-up included): the
 * event-loop delay of the hub's process (p50, p99, max), the hub's ingest (msg/s) against what
 * the producer sent in the same time, snapshots per viewer per second, and how long the filters
 * took to test the buffered messages. Goal: p99 ≤ 50 ms, max ≤ 200 ms, ingest B ≥ 0.9 × A.
 * Prints figures; asserts nothing.
 *
 *   npm run bench:streams:viewers -- [--rate 20000] [--viewers 100] [--seconds 30]
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import { parseFilter } from '../plugins/stream-viewer-common/src/filter';
import { startKafkaMock } from '../plugins/stream-viewer-backend/dev/kafka-mock/kafkaMock';
import { KafkaTopicSource } from '../plugins/stream-viewer-backend/src/service/KafkaTopicSource';
import {
  StreamHub,
  type Snapshot,
} from '../plugins/stream-viewer-backend/src/service/StreamHub';
import { arg, ROUTES, sleep, telemetry } from './lib';

const RATE = Number(arg('rate', '20000'));
const VIEWERS = Number(arg('viewers', '100'));
const SECONDS = Number(arg('seconds', '30'));
const TOPIC = 'bench.viewers';
const FIELDS = ['$.duration_ms', '$.status'];

/** The producer child: `--producer <bootstrap> <rate>`, a batch every 10 ms until killed; reports its count. */
async function producerChild() {
  const [bootstrap, rate] = process.argv.slice(
    process.argv.indexOf('--producer') + 1,
  );
  const producer = new Kafka({
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const perTick = Math.max(1, Math.round(Number(rate) / 100));
  let sent = 0;
  let next = Date.now();
  for (;;) {
    const t = Date.now();
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: perTick }, (_, k) => ({
        value: telemetry(sent + k, t),
      })),
      acks: 1,
      compression: CompressionTypes.None,
    });
    sent += perTick;
    process.send!({ sent });
    next += 10;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
  }
}

/** Viewer k's filter: each distinct, all on fields every message has. */
function filterOf(k: number) {
  if (k % 2 === 0)
    return parseFilter(`$.duration_ms >= ${k % 40} && $.status != ${500 + k}`);
  return parseFilter(
    `$.route ~ "${ROUTES[k % 4].slice(0, 6 + (k % 5))}" && $.duration_ms < ${
      30 + k
    }`,
  );
}

interface Phase {
  viewers: number;
  delay: { p50: number; p99: number; max: number };
  ingest: number;
  produced: number;
  snapshotsPerViewer: number;
  caughtUpAfter?: number;
}

async function phase(
  hub: StreamHub,
  total: () => number,
  produced: () => number,
  viewers: number,
  offset: number,
): Promise<Phase> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let delivered = 0;
  const filtering = new Set<number>();
  let caughtUpAfter: number | undefined;
  const started = performance.now();
  delay.enable();
  const [total0, produced0] = [total(), produced()];
  const offs = Array.from({ length: viewers }, (_, k) =>
    hub.subscribe(
      TOPIC,
      {
        windowMs: 300_000,
        fields: FIELDS,
        payloads: true,
        filter: filterOf(offset + k),
        start: { kind: 'time', at: Date.now() - 300_000 },
      },
      (s: Snapshot, encoded: () => string) => {
        encoded();
        delivered++;
        if (s.filtering) filtering.add(k);
        else if (filtering.delete(k) && filtering.size === 0)
          caughtUpAfter = (performance.now() - started) / 1000;
      },
    ),
  );
  await sleep(SECONDS * 1000);
  const seconds = (performance.now() - started) / 1000;
  const [total1, produced1] = [total(), produced()];
  delay.disable();
  offs.forEach(off => off());
  const ms = (ns: number) => ns / 1e6;
  return {
    viewers,
    delay: {
      p50: ms(delay.percentile(50)),
      p99: ms(delay.percentile(99)),
      max: ms(delay.max),
    },
    ingest: (total1 - total0) / seconds,
    produced: (produced1 - produced0) / seconds,
    snapshotsPerViewer: delivered / viewers / seconds,
    caughtUpAfter,
  };
}

function report(label: string, p: Phase) {
  console.log(
    `${label}: ${p.viewers} viewer${
      p.viewers > 1 ? 's' : ''
    } with distinct filters — event-loop delay p50 ${p.delay.p50.toFixed(
      1,
    )} ms, p99 ${p.delay.p99.toFixed(1)} ms, max ${p.delay.max.toFixed(
      1,
    )} ms; ingest ${p.ingest.toFixed(0)} msg/s (producer ${p.produced.toFixed(
      0,
    )} msg/s); ${p.snapshotsPerViewer.toFixed(
      1,
    )} snapshots per viewer per second; the buffer tested ${
      p.caughtUpAfter === undefined
        ? 'before the first snapshot, or not within the phase'
        : `after ${p.caughtUpAfter.toFixed(1)} s`
    }`,
  );
}

async function main() {
  if (process.argv.includes('--producer')) return producerChild();
  console.log(
    `stream viewer, many viewers: Node ${process.version}, ${
      require('node:os').cpus().length
    } cores, ${RATE.toLocaleString(
      'en',
    )} msg/s, ${VIEWERS} viewers, ${SECONDS} s a phase`,
  );
  const mock = await startKafkaMock([`${TOPIC}:6`]);
  let produced = 0;
  const producer = fork(
    __filename,
    ['--producer', mock.bootstrap, String(RATE)],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
    },
  );
  producer.on('message', (m: any) => (produced = m.sent ?? produced));
  const hub = new StreamHub({
    createSource: topic =>
      new KafkaTopicSource({
        brokers: [mock.bootstrap],
        topic,
        timestampField: '$.ts',
      }),
  });
  try {
    let total = 0;
    let live = false;
    const base = hub.subscribe(
      TOPIC,
      { windowMs: 60_000, fields: FIELDS, payloads: false },
      s => {
        total = s.totals.messages;
        live = s.connection.state === 'live';
      },
    );
    while (!live || total < 200_000 + RATE * 2) await sleep(200); // the buffer full, and evicting
    console.log(`buffer full: ${total.toLocaleString('en')} messages read`);
    const one = await phase(
      hub,
      () => total,
      () => produced,
      1,
      0,
    );
    report('A', one);
    await sleep(2000);
    const many = await phase(
      hub,
      () => total,
      () => produced,
      VIEWERS,
      1,
    );
    report('B', many);
    console.log(
      `ingest ratio B / A ${(many.ingest / one.ingest).toFixed(
        2,
      )} (each against its producer: A ${(one.ingest / one.produced).toFixed(
        2,
      )}, B ${(many.ingest / many.produced).toFixed(
        2,
      )}) — goal p99 ≤ 50 ms, max ≤ 200 ms, ratio ≥ 0.9`,
    );
    base();
  } finally {
    producer.kill();
    await hub.close();
    await mock.stop();
  }
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
