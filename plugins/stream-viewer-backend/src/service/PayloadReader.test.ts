import {
  decodePayload,
  getAtPath,
  parseJsonPath,
} from '@stacktalk/plugin-stream-viewer-common';
import { PayloadReader } from './PayloadReader';

const PATHS = [
  '$.ts',
  '$.duration_ms',
  '$.status',
  '$.a.b',
  '$.list[1]',
  '$.list[1].x',
  '$[0]',
  '$["odd key"]',
  '$.o[2]',
  '$',
];

/** What the reader must answer: decodePayload, then getAtPath as the hub charts it. */
function expected(bytes: Uint8Array, paths: Array<Array<string | number>>) {
  const decoded = decodePayload(bytes);
  return {
    kind: decoded.kind,
    values: paths.map(path => {
      let v: unknown;
      if (decoded.kind === 'json') v = getAtPath(decoded.value, path);
      else if (decoded.kind === 'number' && path.length === 0)
        v = decoded.value;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      return typeof v === 'string' ? v : null;
    }),
  };
}

function actual(
  reader: PayloadReader,
  bytes: Uint8Array,
  from?: number,
  to?: number,
) {
  const kind = reader.read(bytes, from, to);
  return {
    kind,
    values: Array.from(reader.numbers, (n, i) =>
      Number.isNaN(n) ? reader.strings[i] ?? null : n,
    ),
  };
}

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function payload(r: () => number, depth = 0): unknown {
  const pick = r();
  if (depth > 3 || pick < 0.35) {
    const leaf = r();
    if (leaf < 0.3) return Math.round(r() * 1e6) / (r() < 0.5 ? 1 : 1000);
    if (leaf < 0.4) return -Math.round(r() * 1e17);
    if (leaf < 0.5)
      return r() < 0.5 ? 1e300 * 10 ** Math.floor(r() * 10) : 1.5e-7;
    if (leaf < 0.75)
      return [
        'ok',
        'é',
        'tab\there',
        'quote"d',
        '2026-12-02T01:00:00Z',
        '\u0001',
        '',
      ][Math.floor(r() * 7)];
    return [true, false, null][Math.floor(r() * 3)];
  }
  if (pick < 0.6)
    return Array.from({ length: Math.floor(r() * 4) }, () =>
      payload(r, depth + 1),
    );
  const keys = [
    'ts',
    'duration_ms',
    'status',
    'a',
    'b',
    'list',
    'x',
    'o',
    '0',
    'odd key',
    'dur\\ation',
  ];
  const o: Record<string, unknown> = {};
  for (let k = Math.floor(r() * 6); k > 0; k--)
    o[keys[Math.floor(r() * keys.length)]] = payload(r, depth + 1);
  return o;
}

describe('PayloadReader', () => {
  const paths = PATHS.map(parseJsonPath);

  it('answers exactly as decodePayload and getAtPath for generated, mutated and cut payloads', () => {
    const reader = new PayloadReader(paths);
    const slow = jest.spyOn(reader as any, 'slow');
    const r = random(42);
    let json = 0;
    for (let i = 0; i < 4000; i++) {
      let text = JSON.stringify(payload(r));
      if (r() < 0.3)
        text = text.replace(/,/g, () => (r() < 0.5 ? ' ,\n ' : ','));
      if (r() < 0.2) text = ` \v${text}\f\r\n`;
      // Near misses the generator does not make: whitespace JSON does not allow, bad escapes.
      if (r() < 0.1) text = text.replace(',', r() < 0.5 ? ',\v' : ',\f');
      const escapes = ['"o\\\'k"', '"o\\u12G4k"', '"o\\u00e9k"', '"o\\/k"'];
      text = text.replace(/"ok"/g, ok =>
        r() < 0.5 ? escapes[Math.floor(r() * escapes.length)] : ok,
      );
      const bytes = Buffer.from(text);
      const variants = [
        bytes,
        bytes.subarray(0, Math.floor(r() * bytes.length)),
      ];
      const flipped = Buffer.from(bytes);
      if (flipped.length) {
        flipped[Math.floor(r() * flipped.length)] = [
          0x22, 0x2c, 0x5c, 0x7d, 0x5d, 0x30, 0x2e, 0x65, 0xff, 0x0b,
        ][Math.floor(r() * 10)];
        variants.push(flipped);
      }
      // Read in place, between the bytes of other messages (as the hub reads a batch): what
      // follows could complete a cut payload, and must not be read.
      const before = Buffer.from(['{"a":', '[', ' '][i % 3]);
      const after = Buffer.from(
        [' }', '}', ']', '"}', '0}', ',"ts":1}]'][i % 6],
      );
      for (const v of variants) {
        const want = expected(v, paths);
        expect({ text: v.toString('latin1'), ...actual(reader, v) }).toEqual({
          text: v.toString('latin1'),
          ...want,
        });
        const around = Buffer.concat([before, v, after]);
        expect({
          text: v.toString('latin1'),
          ...actual(reader, around, before.length, before.length + v.length),
        }).toEqual({ text: v.toString('latin1'), ...want });
        if (want.kind === 'json') json += 2; // read twice
      }
    }
    // The generator must reach the JSON the fast way reads, not only the fallbacks: most of
    // the valid JSON is read without decodePayload (non-ASCII and escaped keys are not).
    expect(json).toBeGreaterThan(5000);
    expect(
      json -
        slow.mock.calls.filter(
          ([b]) => decodePayload(b as Buffer).kind === 'json',
        ).length,
    ).toBeGreaterThan(3000);
  });

  it('reads duplicate keys as JSON.parse does: the last one wins, nested values included', () => {
    const reader = new PayloadReader([
      parseJsonPath('$.a.b'),
      parseJsonPath('$.a'),
    ]);
    expect(reader.read(Buffer.from('{"a":{"b":1},"a":{"c":2}}'))).toBe('json');
    expect(Array.from(reader.numbers)).toEqual([NaN, NaN]);
    reader.read(Buffer.from('{"a":{"b":1},"a":7}'));
    expect(Array.from(reader.numbers)).toEqual([NaN, 7]);
    reader.read(Buffer.from('{"a":{"b":"x"},"a":{"b":2}}'));
    expect(Array.from(reader.numbers)).toEqual([2, NaN]);
    expect(reader.strings).toEqual([undefined, undefined]);
  });

  it('reads numbers exactly, large and small, and keeps strings only where a path ends', () => {
    const reader = new PayloadReader([
      parseJsonPath('$.n'),
      parseJsonPath('$.s'),
    ]);
    for (const n of [
      '0',
      '-0',
      '123456789012345',
      '1234567890123456789',
      '-1.5e-300',
      '2.5E+3',
      '0.1',
      '1e400',
    ]) {
      reader.read(Buffer.from(`{"n":${n},"s":"2026-12-02T01:00:00Z"}`));
      const parsed = JSON.parse(n);
      expect(
        Object.is(reader.numbers[0], Number.isFinite(parsed) ? parsed : NaN),
      ).toBe(true);
      expect(reader.strings[1]).toBe('2026-12-02T01:00:00Z');
    }
  });

  it('takes the slow way for paths whose meaning is JS property lookup, and for deep nesting', () => {
    const length = new PayloadReader([
      parseJsonPath('$.list.length'),
      parseJsonPath('$.list["1"]'),
    ]);
    expect(length.read(Buffer.from('{"list":[4,5,6]}'))).toBe('json');
    expect(Array.from(length.numbers)).toEqual([3, 5]);
    const deep = new PayloadReader([parseJsonPath('$.a')]);
    const nested = `${'['.repeat(20000)}${']'.repeat(20000)}`;
    expect(deep.read(Buffer.from(nested))).toBe(
      decodePayload(Buffer.from(nested)).kind,
    );
  });
});
