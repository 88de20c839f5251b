import { decodePayload } from './decode';
import { FilterSyntaxError, parseFilter } from './filter';
import { getAtPath, parseJsonPath } from './jsonPath';

describe('stream viewer shared logic', () => {
  it('reads JSON paths and explains bad ones', () => {
    expect(parseJsonPath('$.a["b c"][2].d')).toEqual(['a', 'b c', 2, 'd']);
    expect(
      getAtPath(
        { a: { 'b c': [0, 1, { d: 7 }] } },
        parseJsonPath('$.a["b c"][2].d'),
      ),
    ).toBe(7);
    expect(getAtPath({ a: 1 }, parseJsonPath('$.a.b'))).toBeUndefined();
    expect(() => parseJsonPath('latency_ms')).toThrow('must start with $');
    expect(() => parseJsonPath('$.a..b')).toThrow('is not valid at "..b"');
  });

  it('filters messages on field values', () => {
    const f = parseFilter(
      '$.status >= 500 && $.route ~ "/api" && $.retry == false',
    );
    expect(
      f.test({ status: 503, route: '/api/v1/reports', retry: false }),
    ).toBe(true);
    expect(
      f.test({ status: 200, route: '/api/v1/reports', retry: false }),
    ).toBe(false);
    expect(f.test({ status: '503', route: '/api', retry: false })).toBe(false); // no coercion
    expect(f.test('not an object')).toBe(false);
    expect(parseFilter('$.name != null').test({ name: 'x' })).toBe(true);
  });

  it.each([
    ['status > 5', /is not a clause/],
    ['$.status >', /is not a clause/],
    ['$.status = 5', /is not a clause/],
    [
      '$.route == /api',
      /is not a number, true\/false\/null or a "quoted string"/,
    ],
    ['$..x == 1', /is not valid/],
    ['x'.repeat(2001), /longer than 2000/],
  ])('rejects %s saying why', (text, message) => {
    expect(() => parseFilter(text)).toThrow(FilterSyntaxError);
    expect(() => parseFilter(text)).toThrow(message);
  });

  it('decodes JSON, numbers, text, and shows anything else as hex without throwing', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(decodePayload(enc('{"latency_ms": 12}'))).toEqual({
      kind: 'json',
      value: { latency_ms: 12 },
    });
    expect(decodePayload(enc(' 42.5\n'))).toEqual({
      kind: 'number',
      value: 42.5,
    });
    expect(decodePayload(enc('{"broken": '))).toEqual({
      kind: 'text',
      value: '{"broken": ',
    });
    // Confluent's wire format: magic byte 0, schema id 0x0102 in 4 bytes, an Avro body.
    expect(
      decodePayload(Uint8Array.from([0, 0, 0, 1, 2, 0x06, 0x66, 0x6f, 0x6f])),
    ).toEqual({
      kind: 'binary',
      value: 'schema-registry encoded, schema id 258: 06 66 6f 6f',
    });
    expect(decodePayload(Uint8Array.from([0, 0x7f, 0xff, 0xff, 0xff]))).toEqual(
      {
        kind: 'binary',
        value: 'schema-registry encoded, schema id 2147483647: ',
      },
    );
    // Shorter than the wire format's header: plain bytes.
    expect(decodePayload(Uint8Array.from([0, 1]))).toEqual({
      kind: 'binary',
      value: '00 01',
    });
    expect(decodePayload(enc('héllo 🔑'))).toEqual({
      kind: 'text',
      value: 'héllo 🔑',
    });
    expect(decodePayload(new Uint8Array([0xff, 0x00, 0x10]))).toEqual({
      kind: 'binary',
      value: 'ff 00 10',
    });
    expect(decodePayload(new Uint8Array([0x01, 0x02]))).toEqual({
      kind: 'binary',
      value: '01 02',
    });
  });
});
