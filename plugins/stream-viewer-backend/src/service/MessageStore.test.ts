import {
  decodePayload,
  parseJsonPath,
} from '@stacktalk/plugin-stream-viewer-common';
import { MessageStore } from './MessageStore';
import { packMessages, type StreamMessage } from './types';

const message = (i: number, partition = i % 3): StreamMessage => {
  const bytes = Buffer.from(
    JSON.stringify({ seq: i, status: i % 10 === 0 ? 500 : 200 }),
  );
  return {
    partition,
    offset: i,
    time: 1_000_000 + i,
    bytes,
  };
};
const redisEntry = (
  id: string,
  timestamp: number,
  bytes: Buffer,
  key?: string,
): StreamMessage => ({
  id,
  time: timestamp,
  ...(key !== undefined ? { key } : {}),
  bytes,
});

/**
 * As the hub pushes a batch (the transport's time as event time, the kind decodePayload gives),
 * the messages for which `keep` says so; then the batch's memory is overwritten, as the Kafka
 * thread's is once the batch is handled.
 */
function pushBatch(
  store: MessageStore,
  messages: StreamMessage[],
  values: (m: StreamMessage) => number[],
  keep = (_k: number) => true,
) {
  const batch = packMessages(messages);
  messages.forEach((m, k) => {
    if (keep(k))
      store.push(batch, k, m.time, decodePayload(m.bytes).kind, values(m));
  });
  store.flush();
  batch.data.fill(0x3f);
}

const push = (store: MessageStore, m: StreamMessage, values: number[]) =>
  pushBatch(store, [m], () => values);

describe('MessageStore', () => {
  it('keeps messages in columns across growth, eviction and compaction, and gives them back decoded', () => {
    const store = new MessageStore();
    store.addField(parseJsonPath('$.seq'));
    for (let i = 0; i < 5000; i++) {
      push(store, message(i), [i]);
      if (store.length > 1500) store.dropOldest(store.length - 1500);
    }
    expect(store.length).toBe(1500);
    expect(store.timestamp(0)).toBe(1_000_000 + 3500);
    expect(store.value(0, 0)).toBe(3500);
    expect(store.message(1499)).toEqual({
      id: `${4999 % 3}:4999`,
      partition: 4999 % 3,
      timestamp: 1_000_000 + 4999,
      size: message(4999).bytes.length,
      kind: 'json',
      value: { seq: 4999, status: 200 },
    });
    expect(store.firstAtOrAfter(1_000_000 + 4000)).toBe(500);
    // A field charted later is computed from the kept JSON text.
    store.addField(parseJsonPath('$.status'));
    expect(store.value(1500 - 1000, 1)).toBe(500); // seq 4000
    expect(store.value(1, 1)).toBe(200);
  });

  it('keeps Redis ids and non-JSON payloads as they are', () => {
    const store = new MessageStore();
    push(store, redisEntry('1700000000000-0', 1, Buffer.from('42')), []);
    push(
      store,
      redisEntry('1700000000000-1', 2, Buffer.from([0xff, 0x00]), 'k'),
      [],
    );
    expect(store.message(0)).toEqual({
      id: '1700000000000-0',
      timestamp: 1,
      size: 2,
      kind: 'number',
      value: 42,
    });
    expect(store.message(1)).toMatchObject({
      id: '1700000000000-1',
      key: 'k',
      kind: 'binary',
      value: 'ff 00',
    });
  });

  it('names each message by a sequence number that survives eviction and starts again after a reorder', () => {
    const store = new MessageStore();
    for (let i = 0; i < 100; i++) push(store, message(i), []);
    store.dropOldest(30);
    expect([store.dropped, store.length]).toEqual([30, 70]);
    // Message with sequence number 40 is still message seq 40.
    expect(store.message(40 - store.dropped).value).toMatchObject({ seq: 40 });
    const generation = store.generation;
    store.sortByTime();
    expect([store.dropped, store.generation]).toEqual([0, generation + 1]);
  });

  it('sorts history merged after live messages into time order, ids and values along', () => {
    const store = new MessageStore();
    store.addField(parseJsonPath('$.seq'));
    for (const i of [5, 6, 7, 1, 2, 3]) push(store, message(i), [i]);
    expect(store.idSet()).toEqual(
      new Set([5, 6, 7, 1, 2, 3].map(i => `${i % 3}:${i}`)),
    );
    store.sortByTime();
    expect(
      Array.from({ length: store.length }, (_, i) => store.value(i, 0)),
    ).toEqual([1, 2, 3, 5, 6, 7]);
    expect(store.message(0).id).toBe('1:1');
  });

  it("gives a stopped stream's columns to the next store, which reads back only its own messages", () => {
    const stopped = new MessageStore();
    stopped.addField(parseJsonPath('$.seq'));
    stopped.addField(parseJsonPath('$.status'));
    for (let i = 0; i < 70_000; i++) push(stopped, message(i), [i, 200]);
    stopped.clear();
    expect(stopped.length).toBe(0);

    const next = new MessageStore();
    next.addField(parseJsonPath('$.status'));
    next.addField(parseJsonPath('$.missing'));
    const redis = redisEntry('1700000000000-0', 5, Buffer.from('"text"'));
    push(next, redis, [Number.NaN, Number.NaN]);
    for (let i = 1; i < 20; i++)
      push(next, message(i, 7), [i % 10 ? 200 : 500, Number.NaN]);
    // The whole set at once (70,000 messages had grown it to 131,072), not doubling from 1,024.
    expect((stopped as any).capacity).toBe(0);
    expect((next as any).capacity).toBe(131_072);
    expect(next.length).toBe(20);
    expect(next.message(0)).toEqual({
      id: '1700000000000-0',
      timestamp: 5,
      size: 6,
      kind: 'text',
      value: '"text"',
    });
    for (let i = 1; i < 20; i++) {
      expect(next.timestamp(i)).toBe(1_000_000 + i);
      expect(next.partition(i)).toBe(7);
      expect(next.value(i, 0)).toBe(i % 10 ? 200 : 500);
      expect(next.value(i, 1)).toBeNaN();
      expect(next.message(i).value).toEqual({
        seq: i,
        status: i % 10 === 0 ? 500 : 200,
      });
    }
    // The stopped store still works, from scratch.
    push(stopped, message(3), [3, 200]);
    expect(stopped.message(0).id).toBe('0:3');
    expect(stopped.value(0, 0)).toBe(3);
  });

  it('keeps payloads, keys and ids intact in its chunks while chunks are given back and reused, and after re-sorting', () => {
    const store = new MessageStore();
    // Payloads from 20 bytes to about 6 KB, keys absent, empty or multi-byte, Redis ids: 1 MiB
    // chunks fill, are given back and taken again many times, and every kept message reads back
    // whole.
    const entry = (i: number): StreamMessage => {
      const bytes = Buffer.from(
        JSON.stringify({ seq: i, pad: 'é'.repeat((i * 7919) % 3000) }),
      );
      const key = [undefined, '', `ключ-${i}`][i % 3];
      return {
        ...(i % 2 ? { id: `${1_700_000_000_000 + i}-${i % 5}` } : {}),
        partition: i % 2 ? undefined : i % 4,
        offset: i % 2 ? undefined : i,
        time: 10_000 + i,
        ...(key !== undefined ? { key } : {}),
        bytes,
      };
    };
    const expected = (i: number) => {
      const m = entry(i);
      return {
        id: m.id ?? `${m.partition}:${m.offset}`,
        ...(m.partition !== undefined ? { partition: m.partition } : {}),
        timestamp: m.time,
        ...(m.key !== undefined ? { key: m.key } : {}),
        size: m.bytes.length,
        kind: 'json',
        value: JSON.parse(m.bytes.toString()),
      };
    };
    // Batches of 1 to 40 messages: their bytes are copied a run at a time, across chunk ends;
    // every seventh batch leaves some messages out (as history the hub already has).
    const pushed: number[] = [];
    for (let i = 0, b = 0; i < 6000; b++) {
      const n = Math.min(1 + ((b * 13) % 40), 6000 - i);
      const batch = Array.from({ length: n }, (_, k) => entry(i + k));
      const keep = (k: number) => b % 7 !== 3 || k % 3 !== 1;
      pushBatch(store, batch, () => [], keep);
      batch.forEach((_, k) => keep(k) && pushed.push(i + k));
      i += n;
      if (store.length > 700) store.dropOldest(store.length - 700 + (b % 3));
    }
    expect(pushed.length).toBeLessThan(6000);
    const kept = pushed.slice(pushed.length - store.length);
    for (let i = 0; i < kept.length; i += 7)
      expect(store.message(i)).toEqual(expected(kept[i]));
    expect(store.message(kept.length - 1)).toEqual(expected(5999));
    // History older than everything kept, appended and sorted in.
    const first = kept[0];
    const history = Array.from({ length: 50 }, (_, k) => first - 50 + k);
    pushBatch(store, history.map(entry), () => []);
    store.sortByTime();
    const all = [...history, ...kept];
    expect(store.length).toBe(all.length);
    for (let i = 0; i < store.length; i += 5)
      expect(store.message(i)).toEqual(expected(all[i]));
    store.dropOldest(store.length);
    push(store, entry(7), []);
    expect(store.message(0)).toEqual(expected(7));
  });
});
