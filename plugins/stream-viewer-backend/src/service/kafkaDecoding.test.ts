import path from 'node:path';
import { readPastUndecodable } from './kafkaDecoding';
import { kafkajsFastPath } from './kafkajsFastPath';

// kafkajs's own encoders and decoders, to write what brokers send and compare with.
const kafkajsMain = require.resolve('kafkajs');
const src = path.join(path.dirname(kafkajsMain), 'src');
const Decoder = require(path.join(src, 'protocol/decoder'));
const { RecordBatch } = require(path.join(src, 'protocol/recordBatch/v0'));
const Record = require(path.join(src, 'protocol/recordBatch/record/v0'));
const MessageSet = require(path.join(src, 'protocol/messageSet'));
const crc32C = require(path.join(src, 'protocol/recordBatch/crc32C'));
const theirs = require(path.join(
  src,
  'protocol/requests/fetch/v4/decodeMessages',
));
const { Types } = require(path.join(src, 'protocol/message/compression'));

const ours = readPastUndecodable(require, kafkajsMain)!;
const fast = kafkajsFastPath(require, kafkajsMain)!;

/** A partition's records as a fetch response holds them: their size, then the bytes. */
const fetched = (bytes: Buffer) => {
  const size = Buffer.alloc(4);
  size.writeInt32BE(bytes.length);
  return new Decoder(Buffer.concat([size, bytes]));
};

async function batch(
  firstOffset: number,
  values: string[],
  options: Record<string, unknown> = {},
): Promise<Buffer> {
  const encoded = await RecordBatch({
    firstOffset: String(firstOffset),
    firstTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_000,
    lastOffsetDelta: values.length - 1,
    records: values.map((value, i) =>
      Record({
        offsetDelta: i,
        timestampDelta: 0,
        key: null,
        value: Buffer.from(value),
      }),
    ),
    ...options,
  });
  return Buffer.from(encoded.buffer);
}

/** A control batch (commit or abort marker) of producer 7, as a transaction coordinator writes it. */
async function marker(offset: number, commit: boolean) {
  const encoded = await RecordBatch({
    firstOffset: String(offset),
    transactional: true,
    producerId: '7',
    firstTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_000,
    records: [
      Record({
        offsetDelta: 0,
        timestampDelta: 0,
        // version 0, type 0 (abort) or 1 (commit)
        key: Buffer.from([0, 0, 0, commit ? 1 : 0]),
        value: Buffer.from([0, 0, 0, 0, 0, 0]),
      }),
    ],
  });
  const control = Buffer.from(encoded.buffer);
  // the control flag, then the CRC again (it covers the attributes on)
  control.writeInt16BE(control.readInt16BE(21) | 0x20, 21);
  control.writeUInt32BE(crc32C(control.subarray(21)), 17);
  return control;
}

const values = (messages: any[]) =>
  messages.map(m =>
    m.undecodable ? m : `${m.offset}=${m.value ? m.value.toString() : ''}`,
  );

describe("kafkaDecoding: kafkajs's decoder of a partition's records, reading past what it cannot decode", () => {
  it('decodes record batches as kafkajs does, and puts a marker with offsets and reason in place of a corrupt one', async () => {
    const good = [
      await batch(0, ['a', 'b', 'c']),
      await batch(6, ['g', 'h'], { compression: Types.GZIP }),
    ];
    expect(await ours.decodeMessages(fetched(Buffer.concat(good)))).toEqual(
      await theirs(fetched(Buffer.concat(good))),
    );
    // A gzip batch with a byte of its compressed records flipped: gzip fails, the CRC says why.
    const corrupt = await batch(3, ['d', 'e', 'f'], {
      compression: Types.GZIP,
    });
    corrupt[corrupt.length - 12] ^= 0xff;
    const all = Buffer.concat([good[0], corrupt, good[1]]);
    await expect(theirs(fetched(all))).rejects.toThrow();
    expect(values(await ours.decodeMessages(fetched(all)))).toEqual([
      '0=a',
      '1=b',
      '2=c',
      expect.objectContaining({
        offset: '5',
        undecodable: { from: '3', reason: 'corrupt batch (CRC mismatch)' },
      }),
      '6=g',
      '7=h',
    ]);
    // A header as corrupt as its records (last offset delta 2^30): never past the next batch.
    const header = Buffer.from(corrupt);
    header.writeInt32BE(2 ** 30, 23);
    expect(
      values(
        await ours.decodeMessages(
          fetched(Buffer.concat([good[0], header, good[1]])),
        ),
      )[3],
    ).toEqual(
      expect.objectContaining({
        offset: '5',
        undecodable: { from: '3', reason: 'corrupt batch (CRC mismatch)' },
      }),
    );
    // A partial batch at the end of a fetch (maxBytes) is left for the next fetch, as kafkajs does.
    const partial = Buffer.concat([good[0], good[1].subarray(0, 70)]);
    expect(values(await ours.decodeMessages(fetched(partial)))).toEqual([
      '0=a',
      '1=b',
      '2=c',
    ]);
  });

  it('reads v0 and v1 message sets (old producers and brokers), and reports one it cannot parse', async () => {
    for (const messageVersion of [0, 1])
      for (const compression of [Types.None, Types.GZIP]) {
        const entries = ['x', 'y'].map(v => ({
          key: null,
          value: Buffer.from(v),
          timestamp: 1_700_000_000_000,
        }));
        const set = MessageSet({ messageVersion, compression, entries });
        const bytes = Buffer.from(set.buffer);
        const decoded = await ours.decodeMessages(fetched(bytes));
        expect(decoded).toEqual(await theirs(fetched(bytes)));
        expect(decoded.map((m: any) => m.value.toString())).toEqual(['x', 'y']);
      }
    // Record batches, then older messages (a topic whose message format changed).
    const v1 = Buffer.from(
      MessageSet({
        messageVersion: 1,
        compression: Types.None,
        entries: [{ key: null, value: Buffer.from('old'), timestamp: 1 }],
      }).buffer,
    );
    v1.writeBigInt64BE(BigInt(2), 0);
    expect(
      values(
        await ours.decodeMessages(
          fetched(Buffer.concat([await batch(0, ['a', 'b']), v1])),
        ),
      ),
    ).toEqual(['0=a', '1=b', '2=old']);
    // A v1 message set whose compressed wrapper says gzip but holds no gzip data.
    const wrapper = MessageSet({
      messageVersion: 1,
      compression: Types.None,
      entries: [{ key: null, value: Buffer.from('not gzip'), timestamp: 1 }],
    });
    const broken = Buffer.from(wrapper.buffer);
    broken.writeBigInt64BE(BigInt(41), 0);
    broken.writeInt8(Types.GZIP, 8 + 4 + 4 + 1); // offset, size, crc, magic: the attributes
    expect(values(await ours.decodeMessages(fetched(broken)))).toEqual([
      expect.objectContaining({
        offset: '41',
        undecodable: {
          from: '41',
          reason: expect.stringMatching(/^could not decode a v1 message set: /),
        },
      }),
    ]);
  });

  it('keeps transactions read_committed: aborted messages and control records never reach the viewer', async () => {
    const txn = { transactional: true, producerId: '7' };
    const bytes = Buffer.concat([
      await batch(0, ['committed-1', 'committed-2'], txn),
      await marker(2, true),
      await batch(3, ['aborted-1', 'aborted-2'], txn),
      await marker(5, false),
      await batch(6, ['plain'], { compression: Types.GZIP }),
    ]);
    const messages = await ours.decodeMessages(fetched(bytes));
    const partitionData = {
      partition: 0,
      highWatermark: '7',
      // what a broker lists for a read_committed fetch
      abortedTransactions: [{ producerId: '7', firstOffset: '3' }],
      messages,
    };
    const read = new fast.Batch('t', '0', partitionData);
    expect(values(read.messages)).toEqual([
      '0=committed-1',
      '1=committed-2',
      '6=plain',
    ]);
    // kafkajs moves past the control records all the same.
    expect(read.lastOffset()).toBe('6');
  });
});
