import path from 'node:path';
import { kafkajsFastPath } from './kafkajsFastPath';

// kafkajs's own encoder, decoder and the functions the fast path stands in for.
const kafkajsMain = require.resolve('kafkajs');
const src = path.join(path.dirname(kafkajsMain), 'src');
const Encoder = require(path.join(src, 'protocol/encoder'));
const Decoder = require(path.join(src, 'protocol/decoder'));
const Record = require(path.join(src, 'protocol/recordBatch/record/v0'));
const originalDecoder = require(path.join(
  src,
  'protocol/recordBatch/record/v0/decoder',
));
const OriginalBatch = require(path.join(src, 'consumer/batch'));
const Long = require(path.join(src, 'utils/long'));

const fast = kafkajsFastPath(require, kafkajsMain)!;

/** One record as kafkajs's batch decoder hands it to the record decoder: its bytes, without their length. */
function recordBytes(record: Parameters<typeof Record>[0]): Buffer {
  const encoded: Buffer = new Encoder().writeEncoder(Record(record)).buffer;
  return new Decoder(encoded).readVarIntBytes();
}

describe('kafkajsFastPath: kafkajs 2.2.4 with faster equivalents of its record decoder and Batch', () => {
  it('is for the kafkajs installed here, and leaves any other version alone', () => {
    expect(fast).toBeDefined();
    const otherVersion = (id: string) =>
      id.endsWith('package.json') ? { version: '2.3.0' } : require(id);
    expect(kafkajsFastPath(otherVersion, kafkajsMain)).toBe(undefined);
  });

  const contexts = [
    { firstOffset: '0', firstTimestamp: '1700000000000' },
    { firstOffset: '123456789', firstTimestamp: '1764662400000' },
    // no timestamp (-1), as old producers send
    { firstOffset: '42', firstTimestamp: '-1' },
    // beyond what a double holds exactly: kafkajs's Long arithmetic
    { firstOffset: '9007199254740993', firstTimestamp: '9007199254740993' },
    { firstOffset: '4503599627370496', firstTimestamp: '1700000000000' },
  ];
  const records = [
    { offsetDelta: 0, timestampDelta: 0, key: null, value: Buffer.from('{}') },
    {
      offsetDelta: 7,
      timestampDelta: 1234,
      key: Buffer.from('clé'),
      value: Buffer.from([0, 255, 1]),
    },
    { offsetDelta: 3, timestampDelta: -5, key: null, value: null },
    {
      offsetDelta: 2 ** 31 - 1,
      timestampDelta: 2 ** 40,
      key: Buffer.alloc(0),
      value: Buffer.alloc(0),
    },
    // 8 bytes of varlong: read the Long way
    {
      offsetDelta: 1,
      timestampDelta: Long.fromString('72057594037927935'),
      key: null,
      value: Buffer.from('x'),
    },
    {
      offsetDelta: 1,
      timestampDelta: 10,
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: {
        trace: Buffer.from('a'),
        many: [Buffer.from('1'), Buffer.from('2')],
        ['__proto__']: Buffer.from('p'),
      },
    },
  ];

  it('decodes every record exactly as kafkajs does', () => {
    for (const context of contexts)
      for (const timestampType of [0, 1])
        for (const record of records) {
          const bytes = recordBytes(record);
          const batchContext = {
            ...context,
            magicByte: 2,
            isControlBatch: false,
            timestampType,
            maxTimestamp: '1800000000000',
          };
          const expected = originalDecoder(new Decoder(bytes), batchContext);
          const decoder = new Decoder(bytes);
          const actual = fast.recordDecoder(decoder, batchContext);
          expect(actual).toEqual(expected);
          expect(decoder.offset).toBe(bytes.length);
        }
  });

  it("keeps kafkajs's Batch: messages before the fetched offset, aborted and control records left out", () => {
    const message = (offset: string, extra = {}) => ({
      offset,
      key: null,
      value: Buffer.from(offset),
      isControlRecord: false,
      batchContext: { producerId: '-1', inTransaction: false },
      ...extra,
    });
    const cases = [
      { fetched: '5', offsets: ['3', '4', '5', '6', '7'] },
      { fetched: '0', offsets: [] },
      {
        fetched: '9007199254740993',
        offsets: ['9007199254740992', '9007199254740993', '9007199254740994'],
      },
      { fetched: '10', offsets: ['9', '10', '9007199254740994'] },
    ];
    for (const { fetched, offsets } of cases) {
      const partitionData = {
        partition: 2,
        highWatermark: '100',
        messages: [
          ...offsets.map(o => message(o)),
          message('8', { isControlRecord: true }),
        ],
      };
      const expected = new OriginalBatch('t', fetched, partitionData);
      const actual = new fast.Batch('t', fetched, partitionData);
      for (const field of [
        'topic',
        'partition',
        'highWatermark',
        'fetchedOffset',
        'rawMessages',
        'messagesWithinOffset',
        'messages',
      ])
        expect(actual[field]).toEqual(expected[field]);
      expect(actual.lastOffset()).toEqual(expected.lastOffset());
      expect(actual.offsetLag()).toEqual(expected.offsetLag());
    }
    // a transaction's aborted messages
    const aborted = {
      partition: 0,
      highWatermark: '10',
      abortedTransactions: [{ producerId: '7', firstOffset: '1' }],
      messages: [
        message('0'),
        message('1', {
          batchContext: { producerId: '7', inTransaction: true },
        }),
        message('2', {
          key: Buffer.from([0, 0, 0, 0]),
          isControlRecord: true,
          batchContext: { producerId: '7', inTransaction: true },
        }),
        message('3'),
      ],
    };
    expect(new fast.Batch('t', '0', aborted).messages).toEqual(
      new OriginalBatch('t', '0', aborted).messages,
    );
    expect(
      new fast.Batch('t', '0', aborted).messages.map((m: any) => m.offset),
    ).toEqual(['0', '3']);
  });
});
