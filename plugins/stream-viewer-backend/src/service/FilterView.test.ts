import {
  decodePayload,
  parseFilter,
  parseJsonPath,
} from '@stacktalk/plugin-stream-viewer-common';
import { FilterSet, FilterView, ViewTester } from './FilterView';
import { MessageStore } from './MessageStore';
import { packMessages, type StreamMessage } from './types';

function storeOf(payloads: Array<string | Buffer>, t0 = 1_000_000) {
  const store = new MessageStore();
  store.addField(parseJsonPath('$.v'));
  const messages: StreamMessage[] = payloads.map((p, i) => ({
    partition: i % 2,
    offset: i,
    time: t0 + i,
    bytes: Buffer.isBuffer(p) ? p : Buffer.from(p),
  }));
  const batch = packMessages(messages);
  messages.forEach((m, k) => {
    const decoded = decodePayload(m.bytes);
    const v = (decoded.value as any)?.v;
    store.push(batch, k, m.time, decoded.kind, [
      typeof v === 'number' ? v : Number.NaN,
    ]);
  });
  store.flush();
  return store;
}

const PAYLOADS = [
  '{"v":1,"s":"alpha","n":null,"b":true}',
  '{"v":2,"s":"beta","nested":{"x":[5,6]}}',
  '{"v":3,"s":"\\u00e9t\\u00e9"}',
  '{"v":"3","s":3}',
  '{"v":1e400}',
  '{"s":"al"}',
  '[1,2,3]',
  '42',
  'plain text with alpha',
  Buffer.from([0xff, 0x00, 0x7b]),
  '{"v":4,"s":"gamma","b":false}',
  '{"v":-1,"s":"été","k":"x\\"y"}',
  '{"v":2,"v":5}',
  '{broken',
];

const FILTERS = [
  '$.v >= 2',
  '$.v < 2',
  '$.v == 2',
  '$.v != 2',
  '$.s ~ "al"',
  '$.s == "beta"',
  '$.s != "beta"',
  '$.s ~ "é"',
  '$.nested.x[1] == 6',
  '$[0] == 1',
  '$.b == true',
  '$.n == null',
  '$.v > 0 && $.s ~ "a"',
  '$.k == "x\\"y"',
];

/**
 * One difference from `StreamFilter.test` on `JSON.parse`'s value, on purpose: a number beyond a
 * double (1e400, Infinity to JSON.parse) is no number to a filter, as it is none to the charts.
 */
const asFilterSees = (value: any) =>
  value?.v === Infinity ? { ...value, v: 'overflow' } : value;

describe('FilterSet and FilterView', () => {
  it('decides every filter as StreamFilter.test on the decoded JSON does, reading each payload once for all filters', () => {
    const store = storeOf(PAYLOADS);
    const filters = FILTERS.map(parseFilter);
    const fast = filters.filter(FilterSet.fast);
    expect(fast.length).toBeGreaterThan(10);
    const set = new FilterSet(fast);
    for (let i = 0; i < store.length; i++) {
      const json = set.read(store.payloadAt(i));
      fast.forEach((f, k) => {
        const expected =
          store.kind(i) === 'json' && f.test(asFilterSees(store.valueAt(i)));
        expect([
          PAYLOADS[i].toString(),
          f.clauses[0].source,
          json && set.test(k),
        ]).toEqual([PAYLOADS[i].toString(), f.clauses[0].source, expected]);
      });
    }
    // Through views tested together; the others (true / false / null literals) decode, and agree too.
    const views = filters.map(f => new FilterView(f, 60_000, store, 0, 100));
    new ViewTester().run(store, views, 0, store.length, 1);
    for (const [k, f] of filters.entries()) {
      const hits = views[k].latestHits(store, 0);
      const expected = [...Array(store.length).keys()].filter(
        i => store.kind(i) === 'json' && f.test(asFilterSees(store.valueAt(i))),
      );
      expect([f.clauses[0].source, hits]).toEqual([
        f.clauses[0].source,
        expected,
      ]);
    }
  });

  it('tests each message once per view, each view from its own place, and counts its matches in its rollups', () => {
    const payloads = Array.from({ length: 50_000 }, (_, i) =>
      JSON.stringify({ v: i % 100, s: i % 7 === 0 ? 'seven' : 'other' }),
    );
    const store = storeOf(payloads);
    const seven = new FilterView(
      parseFilter('$.s == "seven"'),
      60_000,
      store,
      0,
      2000,
    );
    const small = new FilterView(
      parseFilter('$.v < 10'),
      60_000,
      store,
      0,
      2000,
    );
    const tester = new ViewTester();
    // `small` is ahead (it tested the first 20,000 alone); then both go on together, in pieces.
    tester.run(store, [small], 0, 20_000, 1);
    for (let from = 0; from < 50_000; from += 7_000)
      tester.run(
        store,
        [seven, small],
        from,
        Math.min(50_000, from + 7_000),
        1,
      );
    expect([seven.tested, small.tested, seven.live(store)]).toEqual([
      50_000,
      50_000,
      true,
    ]);
    const counted = (view: FilterView) => {
      let n = 0;
      for (let second = 1000; second <= 1051; second++)
        n += view.seconds.countAt(second);
      return n;
    };
    expect([counted(seven), counted(small)]).toEqual([
      Math.ceil(50_000 / 7),
      5_000,
    ]);
    // The ring holds the latest 2,000 matches, oldest first.
    const latest = seven.latestHits(store, 0);
    expect(latest).toHaveLength(2000);
    expect(latest[latest.length - 1]).toBe(49_994);
    expect(seven.holdsAllSince(store, 1_000_000 + 49_000, 0)).toBe(true);
    expect(seven.holdsAllSince(store, 1_000_000, 0)).toBe(false);
  });

  it('starts again at the oldest kept message, complete from there, when eviction overtook it', () => {
    const store = storeOf(
      Array.from({ length: 1000 }, (_, i) => JSON.stringify({ v: i })),
    );
    const view = new FilterView(parseFilter('$.v >= 0'), 60_000, store, 0, 100);
    store.dropOldest(400);
    view.skipEvicted(store);
    new ViewTester().run(store, [view], view.next, 1000, 1);
    expect([view.tested, view.live(store)]).toEqual([600, true]);
    expect(view.coveredFrom).toBe(1_000_000 + 400);
  });
});
