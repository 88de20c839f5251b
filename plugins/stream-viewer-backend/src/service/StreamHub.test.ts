import Redis from 'ioredis';
import { parseFilter } from '@stacktalk/plugin-stream-viewer-common';
import { RedisStreamSource } from './RedisStreamSource';
import { StreamHub, type Snapshot } from './StreamHub';

jest.setTimeout(60_000);

// The real Redis of the machine (node-svc); keys are unique to this run and deleted after.
const REDIS_URL = process.env.STACKTALK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `stacktalk-test:${process.pid}:${Date.now()}`;
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const clientName = (key: string) => `stacktalk-stream-viewer:${key.replace(/[^\w:-]/g, '_')}`;

function hubFor(graceMs = 200) {
  return new StreamHub({
    graceMs,
    createSource: key => new RedisStreamSource({ url: REDIS_URL, key, timestampField: '$.ts', clientName: clientName(key) }),
  });
}

/** Connections of our readers for `key`, as Redis itself lists them. */
async function readersInRedis(key: string) {
  const list = (await redis.client('LIST')) as unknown as string;
  return list.split('\n').filter(line => line.includes(`name=${clientName(key)} `)).length;
}

async function until(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('StreamHub over a real Redis Stream', () => {
  it('runs one upstream reader for 1 or 50 viewers, fans messages out, and stops it after the grace period', async () => {
    const key = `${RUN}:api-latency`;
    await redis.xadd(key, '*', 'data', JSON.stringify({ ts: Date.now(), latency_ms: 1 })); // before anyone watches
    const hub = hubFor();
    const last: Snapshot[] = [];
    const unsubscribe = [hub.subscribe(key, { windowMs: 60_000, fields: ['$.latency_ms'], payloads: true }, s => void (last[0] = s))];
    await until(() => last[0]?.connection.state === 'live', 'live');
    expect(await readersInRedis(key)).toBe(1);

    for (let i = 1; i < 50; i++) {
      unsubscribe.push(hub.subscribe(key, { windowMs: 60_000, fields: ['$.latency_ms'], payloads: false }, s => void (last[i] = s)));
    }
    expect(hub.readerCount).toBe(1);
    expect(await readersInRedis(key)).toBe(1);

    const now = Date.now();
    for (let i = 0; i < 100; i++) await redis.xadd(key, '*', 'data', JSON.stringify({ ts: now + i, latency_ms: i === 50 ? 900 : 10 + (i % 5) }));
    await until(() => last.length === 50 && last.every(s => s?.totals.messages === 100), 'all 50 viewers to see 100 messages');
    const first = last[0];
    expect(first.series['$.latency_ms']).toHaveLength(100);
    expect(Math.max(...first.series['$.latency_ms'].map(p => p[1]))).toBe(900);
    expect(first.latest).toHaveLength(50);
    expect(first.latest![0]).toMatchObject({ kind: 'json', value: { latency_ms: 10 + (99 % 5) } }); // newest first
    expect(last[1].latest).toBeUndefined(); // no payload permission: no contents at all

    unsubscribe.forEach(u => u());
    expect(hub.readerCount).toBe(1); // still within the grace period
    await until(() => hub.readerCount === 0, 'the reader to stop');
    await until(async () => (await readersInRedis(key)) === 0, 'the Redis connection to close');
    await hub.close();
  });

  it('downsamples 20,000 points to at most 1,000 and keeps a single spike', async () => {
    const key = `${RUN}:dense`;
    const hub = hubFor();
    let snap: Snapshot | undefined;
    const off = hub.subscribe(key, { windowMs: 3_600_000, fields: ['$.v'], payloads: false }, s => void (snap = s));
    await until(() => snap?.connection.state === 'live', 'live');
    const base = Date.now() - 1_000_000;
    const pipeline = redis.pipeline();
    for (let i = 0; i < 20_000; i++) pipeline.xadd(key, '*', 'data', JSON.stringify({ ts: base + i * 50, v: i === 12_345 ? 10_000 : Math.sin(i / 100) }));
    await pipeline.exec();
    await until(() => snap?.totals.messages === 20_000, '20,000 messages');
    const series = snap!.series['$.v'];
    expect(series.length).toBeLessThanOrEqual(1000);
    expect(series.length).toBeGreaterThan(900);
    expect(series.some(([t, v]) => v === 10_000 && t === base + 12_345 * 50)).toBe(true);
    expect(snap!.rate.length).toBeLessThanOrEqual(1000);
    off();
    await hub.close();
  });

  it('counts undecodable messages without stopping, and filters on field values', async () => {
    const key = `${RUN}:mixed`;
    const hub = hubFor();
    let snap: Snapshot | undefined;
    const off = hub.subscribe(key, { windowMs: 60_000, fields: ['$.status'], filter: parseFilter('$.status >= 500'), payloads: true }, s => void (snap = s));
    await until(() => snap?.connection.state === 'live', 'live');
    await redis.xadd(key, '*', 'data', Buffer.from([0xff, 0xfe, 0x00]));
    await redis.xadd(key, '*', 'data', JSON.stringify({ status: 200 }));
    await redis.xadd(key, '*', 'data', JSON.stringify({ status: 503 }));
    await redis.xadd(key, '*', 'status', '502', 'route', '/api'); // field-value entry without a payload field
    await until(() => snap?.totals.messages === 4, '4 messages');
    expect(snap!.totals.decodeFailures).toBe(1);
    expect(snap!.totals.matched).toBe(2);
    expect(snap!.latest!.map(m => (m.value as any).status)).toEqual([502, 503]);
    off();
    await hub.close();
  });

  it('gives a viewer that cannot keep up the newest snapshot, never a queue', async () => {
    const key = `${RUN}:slow`;
    const hub = new StreamHub({ graceMs: 100, maxRate: 50, createSource: k => new RedisStreamSource({ url: REDIS_URL, key: k, clientName: clientName(k) }) });
    let offered = 0;
    let accepted: Snapshot | undefined;
    let busy = true;
    const off = hub.subscribe(key, { windowMs: 60_000, fields: [], payloads: false }, s => {
      offered++;
      if (busy) return false; // the browser's connection is full: nothing is kept for it
      accepted = s;
      return true;
    });
    await until(() => offered > 5, 'offers');
    await redis.xadd(key, '*', 'data', '{"n":1}');
    await redis.xadd(key, '*', 'data', '{"n":2}');
    await new Promise(r => setTimeout(r, 300));
    busy = false;
    await until(() => accepted !== undefined, 'a delivery');
    expect(accepted!.totals.messages).toBe(2); // the newest state, not the first refused one
    off();
    await hub.close();
  });

  it('shows reconnecting with the reason when Redis is unreachable', async () => {
    const hub = new StreamHub({ graceMs: 100, createSource: k => new RedisStreamSource({ url: 'redis://127.0.0.1:9', key: k, clientName: 'x' }) });
    let snap: Snapshot | undefined;
    const off = hub.subscribe(`${RUN}:nowhere`, { windowMs: 60_000, fields: [], payloads: false }, s => void (snap = s));
    await until(() => snap?.connection.state === 'reconnecting', 'reconnecting');
    expect(snap!.connection.reason).toMatch(/ECONNREFUSED/);
    off();
    await hub.close();
  });
});
