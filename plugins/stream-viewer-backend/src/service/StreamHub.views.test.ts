import { parseFilter } from '@stacktalk/plugin-stream-viewer-common';
import { FilterSet } from './FilterView';
import { MessageStore } from './MessageStore';
import { StreamHub, type Snapshot } from './StreamHub';
import { StreamState } from './StreamState';
import {
  packMessages,
  type SourceHandlers,
  type StreamMessage,
  type StreamSource,
} from './types';

jest.setTimeout(60_000);

/** A source the test feeds by hand (what a Kafka or Redis reader hands the hub). */
class FedSource implements StreamSource {
  handlers?: SourceHandlers;
  started = 0;
  async start(handlers: SourceHandlers) {
    this.started++;
    this.handlers = handlers;
    handlers.onState({ state: 'live', since: Date.now() - 60_000 });
  }
  async stop() {}
}

let sequence = 0;
/** `n` telemetry-like messages with event times spread over the last `spreadMs`. */
function feed(source: FedSource, n: number, spreadMs = 0) {
  const now = Date.now();
  const messages: StreamMessage[] = Array.from({ length: n }, (_, k) => {
    const i = sequence++;
    return {
      partition: i % 6,
      offset: i,
      time: now - spreadMs + Math.floor((k * spreadMs) / n),
      bytes: Buffer.from(
        JSON.stringify({
          route: `/api/v1/r${i % 100}`,
          status: i % 97 === 0 ? 503 : 200,
          duration_ms: i % 50,
          trace_id: `t-${i}`,
        }),
      ),
    };
  });
  source.handlers!.onMessages(packMessages(messages));
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * The hub's work, counted rather than timed (speed is the benchmark's business:
 * bench/stream-viewer-viewers.bench.ts): payloads read from the buffer for filters, filter
 * evaluations, and the buffered messages each synchronous catch-up slice goes through.
 */
let restore = () => {};
function countWork() {
  const work = { reads: 0, tests: 0, slices: [] as number[] };
  // Plain wrappers, not jest spies: a spy records each of millions of calls.
  const read = MessageStore.prototype.readPayload;
  const test = FilterSet.prototype.test;
  const catchUp = StreamState.prototype.catchUp;
  MessageStore.prototype.readPayload = function readPayload(...args) {
    work.reads++;
    return read.apply(this, args);
  };
  FilterSet.prototype.test = function countedTest(...args) {
    work.tests++;
    return test.apply(this, args);
  };
  StreamState.prototype.catchUp = function countedCatchUp(...args) {
    const before = work.reads;
    const done = catchUp.apply(this, args);
    work.slices.push(work.reads - before);
    return done;
  };
  restore = () => {
    Object.assign(MessageStore.prototype, { readPayload: read });
    Object.assign(FilterSet.prototype, { test });
    Object.assign(StreamState.prototype, { catchUp });
  };
  return work;
}

afterEach(() => restore());

describe('StreamHub filtered views', () => {
  it('serves 20 viewers with distinct filters over a buffer of 200,000 reading each message once per view at most, in bounded slices, and counts right', async () => {
    const source = new FedSource();
    const sliceMessages = 5000;
    const hub = new StreamHub({
      createSource: () => source,
      graceMs: 10,
      maxMessages: 400_000,
      sliceMessages,
    });
    const offAll = hub.subscribe(
      'telemetry',
      { windowMs: 60_000, fields: ['$.duration_ms'], payloads: true },
      () => {},
    );
    // Rates count whole seconds from when the reader was first live: the messages come after.
    const opened = Date.now();
    await sleep(1100);
    for (let i = 0; i < 100; i++) feed(source, 2000); // 200,000 buffered
    const buffered = 200_000;
    const views = 20;
    const last: Array<Snapshot | undefined> = Array.from({ length: 20 });
    const work = countWork();
    const computedBefore = hub.computed;
    let arrived = 0;
    // Checked as the test goes, so a hub doing far too much fails at once rather than at the timeout.
    const withinBounds = () => {
      expect(work.reads).toBeLessThanOrEqual(
        buffered * views + arrived + 2 * sliceMessages,
      );
      expect(work.tests).toBeLessThanOrEqual(
        (buffered + arrived) * views + 2 * sliceMessages * views,
      );
    };
    const offs = Array.from({ length: 20 }, (_, k) =>
      hub.subscribe(
        'telemetry',
        {
          windowMs: 60_000,
          fields: ['$.duration_ms'],
          payloads: true,
          filter: parseFilter(`$.route == "/api/v1/r${k}"`),
          // As the tab opens by default (the last N minutes): the whole buffer.
          start: { kind: 'time', at: opened },
        },
        s => void (last[k] = s),
      ),
    );
    // 20,000 msg/s go on arriving while the views catch up.
    for (let t = 0; t < 150 && last.some(s => !s || s.filtering); t++) {
      feed(source, 2000);
      arrived += 2000;
      await sleep(100);
      withinBounds();
    }
    // And a second more once every view is up to date: ten more ticks of snapshots.
    for (let t = 0; t < 10; t++) {
      feed(source, 2000);
      arrived += 2000;
      await sleep(100);
      withinBounds();
    }
    await sleep(300);
    expect(last.map(s => s?.filtering ?? !s)).toEqual(last.map(() => false));
    // Every message, buffered or new, counted once: each route is 1 in 100 of them.
    for (const s of last)
      expect(s!.totals.matched).toBe(s!.totals.messages / 100);
    expect(last[3]!.latest![0].value).toMatchObject({ route: '/api/v1/r3' });
    // The loop stayed free, counted. Before, every tick (10 a second) went over the whole buffer
    // once per filter: 4,000,000 reads and tests a tick. Now a view catches up with the buffer
    // once (20 views opened together share one read of each message), and a new message is read
    // once for every filter. Slack: messages arriving while a view catches up.
    expect(hub.computed - computedBefore).toBeGreaterThanOrEqual(10 * views);
    expect(work.reads).toBeGreaterThanOrEqual(buffered);
    withinBounds();
    // Catching up went in slices of at most `sliceMessages` messages, each followed by a turn of
    // the loop (the time each takes is the benchmark's business).
    expect(work.slices.length).toBeGreaterThanOrEqual(buffered / sliceMessages);
    expect(Math.max(...work.slices)).toBeLessThanOrEqual(sliceMessages);
    [offAll, ...offs].forEach(off => off());
    await hub.close();
  });

  it('refuses a field path that does not parse before it starts a reader', () => {
    const source = new FedSource();
    const hub = new StreamHub({ createSource: () => source });
    expect(() =>
      hub.subscribe(
        'bad',
        { windowMs: 60_000, fields: ['latency_ms'], payloads: true },
        () => {},
      ),
    ).toThrow('must start with $');
    expect([hub.readerCount, source.started]).toEqual([0, 0]);
  });
});
