import {
  decodePayload,
  parseFilter,
  parseJsonPath,
} from '@stacktalk/plugin-stream-viewer-common';
import { MessageStore } from './MessageStore';
import type { StreamMessage } from './types';

const message = (i: number, partition = i % 3): StreamMessage => {
  const decoded = decodePayload(
    Buffer.from(JSON.stringify({ seq: i, status: i % 10 === 0 ? 500 : 200 })),
  );
  return {
    id: `${partition}:${i}`,
    partition,
    offset: i,
    timestamp: 1_000_000 + i,
    decoded,
    size: 20,
  };
};

describe('MessageStore', () => {
  it('keeps messages in columns across growth, eviction and compaction, and gives them back decoded', () => {
    const store = new MessageStore();
    store.addField(parseJsonPath('$.seq'));
    for (let i = 0; i < 5000; i++) {
      store.push(message(i), [i]);
      if (store.length > 1500) store.dropOldest(store.length - 1500);
    }
    expect(store.length).toBe(1500);
    expect(store.timestamp(0)).toBe(1_000_000 + 3500);
    expect(store.value(0, 0)).toBe(3500);
    expect(store.message(1499)).toEqual({
      id: `${4999 % 3}:4999`,
      partition: 4999 % 3,
      timestamp: 1_000_000 + 4999,
      size: 20,
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
    store.push(
      {
        id: '1700000000000-0',
        timestamp: 1,
        decoded: decodePayload(Buffer.from('42')),
        size: 2,
      },
      [],
    );
    store.push(
      {
        id: '1700000000000-1',
        timestamp: 2,
        key: 'k',
        decoded: decodePayload(Buffer.from([0xff, 0x00])),
        size: 2,
      },
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

  it('tests each message once per filter, and forgets filters nobody uses', () => {
    const store = new MessageStore();
    for (let i = 0; i < 100; i++) store.push(message(i), []);
    const filter = parseFilter('$.status >= 500');
    const test = jest.spyOn(filter, 'test');
    const hits = () =>
      Array.from({ length: store.length }, (_, i) => i).filter(i =>
        store.matches(i, 'f', filter),
      );
    expect(hits()).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(hits()).toHaveLength(10);
    expect(test).toHaveBeenCalledTimes(100);
    store.push(message(100), []);
    expect(hits()).toHaveLength(11);
    expect(test).toHaveBeenCalledTimes(101);
    store.retainFilters(new Set());
    hits();
    expect(test).toHaveBeenCalledTimes(202);
  });

  it('sorts history merged after live messages into time order, ids and values along', () => {
    const store = new MessageStore();
    store.addField(parseJsonPath('$.seq'));
    for (const i of [5, 6, 7, 1, 2, 3]) store.push(message(i), [i]);
    expect(store.idSet()).toEqual(
      new Set([5, 6, 7, 1, 2, 3].map(i => `${i % 3}:${i}`)),
    );
    store.sortByTime();
    expect(
      Array.from({ length: store.length }, (_, i) => store.value(i, 0)),
    ).toEqual([1, 2, 3, 5, 6, 7]);
    expect(store.message(0).id).toBe('1:1');
  });
});
