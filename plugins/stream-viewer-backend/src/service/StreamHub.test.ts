import Redis from 'ioredis';
import { parseFilter } from '@stacktalk/plugin-stream-viewer-common';
import { RedisStreamSource } from './RedisStreamSource';
import { StreamHub, type Snapshot } from './StreamHub';

jest.setTimeout(60_000);

// The real Redis of the machine (node-svc); keys are unique to this run and deleted after.
const REDIS_URL =
  process.env.STACKTALK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `stacktalk-test:${process.pid}:${Date.now()}`;
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const clientName = (key: string) =>
  `stacktalk-stream-viewer:${key.replace(/[^\w:-]/g, '_')}`;

function hubFor(graceMs = 200) {
  return new StreamHub({
    graceMs,
    createSource: key =>
      new RedisStreamSource({
        url: REDIS_URL,
        key,
        timestampField: '$.ts',
        clientName: clientName(key),
      }),
  });
}

/** Connections of our readers for `key`, as Redis itself lists them. */
async function readersInRedis(key: string) {
  const list = (await redis.client('LIST')) as unknown as string;
  return list
    .split('\n')
    .filter(line => line.includes(`name=${clientName(key)} `)).length;
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
    await redis.xadd(
      key,
      '*',
      'data',
      JSON.stringify({ ts: Date.now(), latency_ms: 1 }),
    ); // before anyone watches
    const hub = hubFor();
    const last: Snapshot[] = [];
    const unsubscribe = [
      hub.subscribe(
        key,
        { windowMs: 60_000, fields: ['$.latency_ms'], payloads: true },
        s => void (last[0] = s),
      ),
    ];
    await until(() => last[0]?.connection.state === 'live', 'live');
    expect(await readersInRedis(key)).toBe(1);

    for (let i = 1; i < 50; i++) {
      unsubscribe.push(
        hub.subscribe(
          key,
          { windowMs: 60_000, fields: ['$.latency_ms'], payloads: false },
          s => void (last[i] = s),
        ),
      );
    }
    expect(hub.readerCount).toBe(1);
    expect(await readersInRedis(key)).toBe(1);

    const now = Date.now();
    for (let i = 0; i < 100; i++)
      await redis.xadd(
        key,
        '*',
        'data',
        JSON.stringify({
          ts: now + i,
          latency_ms: i === 50 ? 900 : 10 + (i % 5),
        }),
      );
    await until(
      () => last.length === 50 && last.every(s => s?.totals.messages === 100),
      'all 50 viewers to see 100 messages',
    );
    const first = last[0];
    expect(first.series['$.latency_ms']).toHaveLength(100);
    expect(Math.max(...first.series['$.latency_ms'].map(p => p[1]))).toBe(900);
    expect(first.latest).toHaveLength(50);
    expect(first.latest![0]).toMatchObject({
      kind: 'json',
      value: { latency_ms: 10 + (99 % 5) },
    }); // newest first
    expect(last[1].latest).toBeUndefined(); // no payload permission: no contents at all

    unsubscribe.forEach(u => u());
    expect(hub.readerCount).toBe(1); // still within the grace period
    await until(() => hub.readerCount === 0, 'the reader to stop');
    await until(
      async () => (await readersInRedis(key)) === 0,
      'the Redis connection to close',
    );
    await hub.close();
  });

  it('downsamples 20,000 points to at most 1,000 and keeps a single spike', async () => {
    const key = `${RUN}:dense`;
    const hub = hubFor();
    let snap: Snapshot | undefined;
    const base = Date.now() - 1_000_000;
    // Event times from 17 minutes ago: a viewer starting 20 minutes back sees them.
    const off = hub.subscribe(
      key,
      {
        windowMs: 3_600_000,
        fields: ['$.v'],
        payloads: false,
        start: { kind: 'time', at: base - 200_000 },
      },
      s => void (snap = s),
    );
    await until(
      () =>
        snap?.connection.state === 'live' && snap.backfill?.state === 'done',
      'live, history read',
    );
    const pipeline = redis.pipeline();
    for (let i = 0; i < 20_000; i++)
      pipeline.xadd(
        key,
        '*',
        'data',
        JSON.stringify({
          ts: base + i * 50,
          v: i === 12_345 ? 10_000 : Math.sin(i / 100),
        }),
      );
    await pipeline.exec();
    await until(() => snap?.totals.messages === 20_000, '20,000 messages');
    const series = snap!.series['$.v'];
    expect(series.length).toBeLessThanOrEqual(1000);
    expect(series.length).toBeGreaterThan(900);
    expect(
      series.some(([t, v]) => v === 10_000 && t === base + 12_345 * 50),
    ).toBe(true);
    expect(snap!.rate.length).toBeLessThanOrEqual(1000);
    off();
    await hub.close();
  });

  it('counts undecodable messages without stopping, and filters on field values', async () => {
    const key = `${RUN}:mixed`;
    const hub = hubFor();
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      key,
      {
        windowMs: 60_000,
        fields: ['$.status'],
        filter: parseFilter('$.status >= 500'),
        payloads: true,
      },
      s => void (snap = s),
    );
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

  it('takes event times from the timestamp field (ms, seconds or a date), else from the entry id', async () => {
    const key = `${RUN}:times`;
    const hub = hubFor();
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      key,
      { windowMs: 3_600_000, fields: ['$.v'], payloads: true },
      s => void (snap = s),
    );
    await until(() => snap?.connection.state === 'live', 'live');
    // After the moment of subscribing: a viewer starting now sees nothing older.
    const now = Date.now();
    const ms = now + 60_000;
    const seconds = Math.floor((now + 120_000) / 1000);
    const date = new Date(now + 180_000).toISOString();
    await redis.xadd(key, '*', 'data', JSON.stringify({ ts: ms, v: 1 }));
    await redis.xadd(key, '*', 'data', JSON.stringify({ v: 2, ts: seconds }));
    await redis.xadd(key, '*', 'data', JSON.stringify({ ts: date, v: 3 }));
    const id = await redis.xadd(
      key,
      '*',
      'data',
      JSON.stringify({ v: 4, ts: 'not a time' }),
    );
    await until(() => snap?.totals.messages === 4, '4 messages');
    const byValue = new Map(
      snap!.latest!.map(m => [(m.value as any).v, m.timestamp]),
    );
    expect(byValue.get(1)).toBe(ms);
    expect(byValue.get(2)).toBe(seconds * 1000);
    expect(byValue.get(3)).toBe(Date.parse(date));
    expect(byValue.get(4)).toBe(Number(id!.split('-')[0]));
    off();
    await hub.close();
  });

  it('counts rates only from when the reader is first live, not from when it was created', async () => {
    let handlers: any;
    const hub = new StreamHub({
      graceMs: 10,
      createSource: () => ({
        start: async h => void (handlers = h),
        stop: async () => {},
      }),
    });
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      'joining',
      { windowMs: 60_000, fields: [], payloads: false },
      s => void (snap = s),
    );
    await new Promise(r => setTimeout(r, 2100)); // joining its group, say
    // Not a single zero before: the reader has not read anything yet.
    expect([snap!.connection.state, snap!.rate]).toEqual(['connecting', []]);
    const live = Date.now();
    handlers.onState({ state: 'live', since: live });
    await until(() => snap?.connection.state === 'live', 'live');
    expect(snap!.coverage.from).toBe(live);
    await until(() => snap!.rate.length > 0, 'a whole second');
    expect(snap!.rate[0][0]).toBe(Math.ceil(live / 1000) * 1000);
    off();
    await hub.close();
  });

  it('gives a viewer that cannot keep up the newest snapshot, never a queue', async () => {
    const key = `${RUN}:slow`;
    const hub = new StreamHub({
      graceMs: 100,
      maxRate: 50,
      createSource: k =>
        new RedisStreamSource({
          url: REDIS_URL,
          key: k,
          clientName: clientName(k),
        }),
    });
    let offered = 0;
    let accepted: Snapshot | undefined;
    let busy = true;
    const off = hub.subscribe(
      key,
      { windowMs: 60_000, fields: [], payloads: false },
      s => {
        offered++;
        if (busy) return false; // the browser's connection is full: nothing is kept for it
        accepted = s;
        return true;
      },
    );
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
    const hub = new StreamHub({
      graceMs: 100,
      createSource: k =>
        new RedisStreamSource({
          url: 'redis://127.0.0.1:9',
          key: k,
          clientName: 'x',
        }),
    });
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      `${RUN}:nowhere`,
      { windowMs: 60_000, fields: [], payloads: false },
      s => void (snap = s),
    );
    await until(
      () => snap?.connection.state === 'reconnecting',
      'reconnecting',
    );
    expect(snap!.connection.reason).toMatch(/ECONNREFUSED/);
    off();
    await hub.close();
  });

  it('computes one snapshot per distinct view per tick, shared by all viewers of that view', async () => {
    const key = `${RUN}:shared`;
    const hub = hubFor();
    let ticks = 0;
    // One start for all (viewers who start at "now" a millisecond apart are different views),
    // after the reader's start so that no backfill is involved.
    const start = { kind: 'time' as const, at: Date.now() + 1000 };
    const offs = [
      hub.subscribe(
        key,
        { windowMs: 60_000, fields: ['$.v'], payloads: false, start },
        () => void ticks++,
      ),
    ];
    for (let i = 1; i < 50; i++)
      offs.push(
        hub.subscribe(
          key,
          { windowMs: 60_000, fields: ['$.v'], payloads: false, start },
          () => {},
        ),
      );
    const encodings = new Set<string>();
    offs.push(
      hub.subscribe(
        key,
        { windowMs: 300_000, fields: ['$.v'], payloads: false, start },
        (_s, encoded) => void encodings.add(encoded()),
      ),
    );
    await until(() => ticks >= 2, 'two ticks');
    const [computedBefore, ticksBefore] = [hub.computed, ticks];
    await until(() => ticks >= ticksBefore + 10, 'ten more ticks');
    const perTick = (hub.computed - computedBefore) / (ticks - ticksBefore);
    expect(perTick).toBeGreaterThan(1.5); // two views: 1 min (50 viewers) and 5 min (1 viewer)
    expect(perTick).toBeLessThan(2.5);
    expect(encodings.size).toBeGreaterThan(1);
    offs.forEach(off => off());
    await hub.close();
  });

  it('keeps per-second rollups (a filtered view its own), so rates and spikes survive after the raw buffer evicted them', async () => {
    const key = `${RUN}:rollup`;
    const hub = new StreamHub({
      graceMs: 100,
      maxMessages: 1000,
      createSource: k =>
        new RedisStreamSource({
          url: REDIS_URL,
          key: k,
          timestampField: '$.ts',
          clientName: clientName(k),
        }),
    });
    let all: Snapshot | undefined;
    let filtered: Snapshot | undefined;
    const base = Date.now() - 30_000;
    const start = { kind: 'time' as const, at: base - 1000 };
    const offs = [
      hub.subscribe(
        key,
        { windowMs: 60_000, fields: ['$.v'], payloads: false, start },
        s => void (all = s),
      ),
      hub.subscribe(
        key,
        {
          windowMs: 60_000,
          fields: ['$.v'],
          payloads: false,
          start,
          filter: parseFilter('$.v >= 0'),
        },
        s => void (filtered = s),
      ),
    ];
    await until(
      () => all?.connection.state === 'live' && all.backfill?.state === 'done',
      'live',
    );
    const pipeline = redis.pipeline();
    // 5,000 messages over 25 s of event time; the spike is among the first, long evicted from the 1,000 kept.
    for (let i = 0; i < 5000; i++)
      pipeline.xadd(
        key,
        '*',
        'data',
        JSON.stringify({ ts: base + i * 5, v: i === 100 ? 777 : i % 10 }),
      );
    await pipeline.exec();
    await until(
      () => all?.totals.messages === 5000 && filtered?.totals.messages === 5000,
      '5,000 messages',
    );
    expect(all!.totals.matched).toBe(5000); // from the rollups: nothing lost
    expect(all!.rate.reduce((n, [, c]) => n + c, 0)).toBe(5000);
    expect(
      all!.series['$.v'].some(([t, v]) => v === 777 && t === base + 500),
    ).toBe(true);
    expect(all!.coverage.exact).toBe(false);
    // A filtered view tests each message as it arrives and keeps rollups of its matches: it
    // too counts all 5,000 and keeps the spike, after the raw buffer evicted them.
    expect(filtered!.totals.matched).toBe(5000);
    expect(filtered!.rate.reduce((n, [, c]) => n + c, 0)).toBe(5000);
    expect(
      filtered!.series['$.v'].some(([t, v]) => v === 777 && t === base + 500),
    ).toBe(true);
    expect(filtered!.coverage.exact).toBe(false);
    offs.forEach(off => off());
    await hub.close();
  });

  it('says history is complete only from the first entry trimming left, and starts rates there', async () => {
    const key = `${RUN}:trimmed`;
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 100; i++)
      await redis.xadd(
        key,
        `${t0 + i * 100}-0`,
        'data',
        JSON.stringify({ v: i }),
      );
    await redis.xtrim(key, 'MAXLEN', 40); // entries 0-59 are gone
    const hub = hubFor();
    let snap: Snapshot | undefined;
    const off = hub.subscribe(
      key,
      {
        windowMs: 300_000,
        fields: ['$.v'],
        payloads: false,
        start: { kind: 'time', at: Date.now() - 300_000 },
      },
      s => void (snap = s),
    );
    await until(
      () => snap?.backfill?.state === 'done' && snap.totals.matched === 40,
      'history read',
    );
    expect(snap!.coverage.from).toBe(t0 + 6000);
    expect(snap!.rate[0]).toEqual([Math.ceil((t0 + 6000) / 1000) * 1000, 10]);
    off();
    await hub.close();
  });

  it('starts from the last N minutes or from a stream id by reading history once, and from now without it', async () => {
    const key = `${RUN}:history`;
    const ids: string[] = [];
    for (let i = 0; i < 300; i++)
      ids.push((await redis.xadd(key, '*', 'data', JSON.stringify({ v: i })))!);
    await new Promise(r => setTimeout(r, 20));
    const hub = hubFor();
    const snaps: Record<string, Snapshot> = {};
    const view = (name: string, start: any) =>
      hub.subscribe(
        key,
        { windowMs: 300_000, fields: ['$.v'], payloads: true, start },
        s => void (snaps[name] = s),
      );
    const offs = [
      view('now', { kind: 'now' }),
      view('minutes', { kind: 'time', at: Date.now() - 60_000 }),
      view('minutes-too', { kind: 'time', at: Date.now() - 60_000 }),
    ];
    await until(
      () =>
        snaps.minutes?.backfill?.state === 'done' &&
        snaps.now?.connection.state === 'live',
      'history read',
    );
    expect(snaps.minutes.backfill).toEqual({ state: 'done', loaded: 300 });
    expect(snaps['minutes-too'].backfill).toEqual({
      state: 'done',
      loaded: 300,
    }); // shared: read once
    await until(
      () => snaps.minutes.totals.matched === 300,
      'the history in the chart',
    );
    expect(snaps.minutes.latest![0].value).toEqual({ v: 299 });
    expect(snaps.now.totals.matched).toBe(0);
    await redis.xadd(key, '*', 'data', JSON.stringify({ v: 300 }));
    await until(
      () =>
        snaps.now.totals.matched === 1 && snaps.minutes.totals.matched === 301,
      'live after history',
    );
    offs.forEach(off => off());
    await hub.close();

    const fromId = hubFor();
    let snap: Snapshot | undefined;
    const off = fromId.subscribe(
      key,
      {
        windowMs: 300_000,
        fields: ['$.v'],
        payloads: true,
        start: { kind: 'id', id: ids[250] },
      },
      s => void (snap = s),
    );
    await until(() => snap?.backfill?.state === 'done', 'history from an id');
    expect(snap!.backfill!.loaded).toBe(51); // entries 250-299 and the one added live above
    await until(
      () => snap!.totals.matched === 51,
      'the chart to start at the id',
    );
    expect(snap!.series['$.v'][0][1]).toBe(250); // the first point: the start id's entry
    off();
    await fromId.close();
  });
});
