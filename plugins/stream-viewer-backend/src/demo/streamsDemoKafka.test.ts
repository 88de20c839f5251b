import { createServer } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- the demo lives in examples/, outside the workspaces
import { startDemo, type Demo } from '../../../../examples/streams-demo/producer';
import { kafkaTopicInfo } from '../service/StreamInfo';

jest.setTimeout(120_000);

const TOPIC = 'stacktalk.telemetry.raw';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  ms = 60_000,
): Promise<T> {
  let last: T | undefined;
  for (const end = Date.now() + ms; Date.now() < end; ) {
    last = await read();
    if (done(last)) return last;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

// The demo of `npm run demo:streams` against librdkafka's mock broker (the real Kafka protocol):
// what the Streams tab shows of a topic's partitions and consumer groups.
describe('the streams demo on the mock Kafka broker', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo({ only: [TOPIC], rate: 40, port: await freePort() });
  });
  afterAll(() => demo.stop());

  it('sends to every partition of a topic', async () => {
    const kafka = new Kafka({
      brokers: [demo.bootstrap!],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await poll(
        () => admin.fetchTopicOffsets(TOPIC),
        o => o.every(p => Number(p.high) >= 10),
        'ten messages in each partition',
        30_000,
      );
      expect(offsets).toHaveLength(6);
    } finally {
      await admin.disconnect();
    }
  });

  it('reads it with the consumer group the catalog names, whose lag the viewer finds and sees move', async () => {
    const stream = demo.streams.find(s => s.name === TOPIC)!;
    // The mock broker cannot list groups: the viewer reads the groups of the Resource's annotation.
    expect(stream.consumers).toEqual(['stacktalk-metrics-aggregator']);
    const cluster = { name: 'demo', brokers: [demo.bootstrap!], ssl: false };
    const group = async () =>
      (await kafkaTopicInfo(cluster, TOPIC, stream.consumers)).groups.find(
        g => g.groupId === 'stacktalk-metrics-aggregator',
      );
    const first = await poll(
      group,
      g => !!g && g.lag > 0,
      'the group to commit and lag behind',
    );
    // It keeps reading and committing: its committed offsets move on.
    const committed = (g: typeof first) =>
      (g?.partitions ?? []).reduce((n, p) => n + Number(p.committed), 0);
    await poll(
      group,
      g => committed(g) > committed(first) && g!.lag > 0,
      'the committed offsets to move on',
    );
    // It keeps up: ten seconds on, its lag is what a few seconds between commits leave (40
    // messages a second), not a backlog that grows for as long as the demo runs.
    await new Promise(r => setTimeout(r, 10_000));
    const later = await group();
    expect(later!.lag).toBeGreaterThan(0);
    expect(later!.lag).toBeLessThan(40 * 6);
  });
});
