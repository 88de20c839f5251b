/**
 * What kafkajs needs to read every topic a real producer writes, for the live tail's thread
 * (`kafkaTail`) and the history reader alike. Both functions are self-contained: their source is
 * run on the Kafka thread with that thread's `require` (`load`), so they use nothing from outside.
 */

/** Where the codec libraries are (resolved by the main thread, for the Kafka thread). */
export interface CodecPaths {
  kafkajs: string;
  snappy: string;
  lz4: string;
}

/** The codec libraries' paths, resolved from this package. */
export const codecPaths = (): CodecPaths => ({
  kafkajs: require.resolve('kafkajs'),
  snappy: require.resolve('kafkajs-snappy'),
  lz4: require.resolve('lz4-napi'),
});

/**
 * Gives kafkajs the codecs it lacks: kafkajs itself has only gzip, and answers a snappy, lz4 or
 * zstd batch with "… compression not implemented" (a consumer that then retries for ever).
 * Snappy through `kafkajs-snappy` (pure-JS `snappyjs`, plain and xerial-framed as Java producers
 * write it), lz4 frames through `lz4-napi` (its prebuilt binary comes in a registry package),
 * zstd through Node's own zlib. kafkajs keeps its codecs in one table per process: this fills it
 * for every kafkajs client of the process (they can only gain from it).
 */
export function registerKafkaCodecs(
  load: (id: string) => any,
  paths: CodecPaths,
) {
  const { CompressionCodecs, CompressionTypes } = load(paths.kafkajs);
  const zlib = load('node:zlib');
  const snappy = load(paths.snappy)();
  const lz4 = load(paths.lz4);
  type Encoded = { buffer: Buffer };
  const lz4Codec = {
    compress: async (encoder: Encoded) => lz4.compressFrameSync(encoder.buffer),
    decompress: async (buffer: Buffer) => lz4.decompressFrameSync(buffer),
  };
  const zstdCodec = {
    compress: async (encoder: Encoded) => zlib.zstdCompressSync(encoder.buffer),
    decompress: async (buffer: Buffer) => zlib.zstdDecompressSync(buffer),
  };
  CompressionCodecs[CompressionTypes.Snappy] = () => snappy;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
  // kafkajs reads a batch of a codec it has no entry for (5-7: none defined) as uncompressed.
  for (const unknown of [5, 6, 7])
    CompressionCodecs[unknown] ??= () => ({
      compress: async () => {
        throw new Error(`unknown compression codec ${unknown}`);
      },
      decompress: async () => {
        throw new Error(`unknown compression codec ${unknown}`);
      },
    });
}

/** What a fetch brings in place of a batch it could not decode (see `readPastUndecodable`). */
export interface UndecodableMarker {
  /** The batch's last offset: kafkajs moves past it as past any message. */
  offset: string;
  undecodable: { from: string; reason: string };
}

/**
 * kafkajs's decoder of a partition's records in a fetch (protocol/requests/fetch/v4/
 * decodeMessages.js, used by every fetch version from 4 on), reading past what it cannot decode.
 * kafkajs fails the whole fetch on one bad batch (an unknown codec, corrupt compressed bytes, a
 * message set it cannot parse) and fetches the same offsets again, for ever; this version puts
 * a marker message (`UndecodableMarker`) in the batch's place, at its last offset, and goes on
 * with the next batch: the consumer moves past it and the reader reports it with its partition
 * and offsets. The CRC is checked only then, to say whether the batch was corrupt (checking
 * every batch would cost about as much as decoding it). Returns undefined for a kafkajs whose
 * files are not where kafkajs 2 has them.
 */
export function readPastUndecodable(
  load: (id: string) => any,
  kafkajsMain: string,
):
  | { file: string; decodeMessages: (decoder: any) => Promise<any[]> }
  | undefined {
  const path = load('node:path');
  const src = path.join(path.dirname(kafkajsMain), 'src');
  const file = path.join(src, 'protocol/requests/fetch/v4/decodeMessages.js');
  let Decoder: any;
  let MessageSetDecoder: any;
  let RecordBatchDecoder: any;
  let crc32C: any;
  try {
    load(file);
    Decoder = load(path.join(src, 'protocol/decoder'));
    MessageSetDecoder = load(path.join(src, 'protocol/messageSet/decoder'));
    RecordBatchDecoder = load(
      path.join(src, 'protocol/recordBatch/v0/decoder'),
    );
    crc32C = load(path.join(src, 'protocol/recordBatch/crc32C'));
  } catch {
    return undefined;
  }
  // A record batch's header (KIP-98): where its fields are, from its start.
  const LENGTH = 8;
  const MAGIC = 16;
  const CRC = 17;
  const ATTRIBUTES = 21;
  const LAST_OFFSET_DELTA = 23;
  const MAX_TIMESTAMP = 35;
  const HEADER = 61;
  const KNOWN_CODECS = 4;

  function marker(
    from: bigint,
    to: bigint,
    timestamp: string,
    reason: string,
  ): UndecodableMarker & Record<string, unknown> {
    return {
      offset: String(to),
      timestamp,
      key: null,
      value: null,
      headers: {},
      magicByte: 2,
      attributes: 0,
      isControlRecord: false,
      batchContext: { producerId: '-1', inTransaction: false },
      undecodable: { from: String(from), reason },
    };
  }

  function why(buffer: Buffer, start: number, end: number, error: any) {
    const crc = buffer.readUInt32BE(start + CRC);
    if (crc32C(buffer.subarray(start + ATTRIBUTES, end)) !== crc)
      return 'corrupt batch (CRC mismatch)';
    return String(error?.message ?? error);
  }

  async function recordBatches(buffer: Buffer) {
    const decoder = new Decoder(buffer);
    const records: any[] = [];
    while (buffer.length - decoder.offset > MAGIC) {
      const start = decoder.offset;
      const end = start + 12 + buffer.readInt32BE(start + LENGTH);
      // The tail of a fetch can be a partial batch (maxBytes): kafkajs stops there too.
      if (end > buffer.length) break;
      // Older messages after record batches (a topic whose format changed): the rest is a
      // message set (kafkajs's decoder stops at a record batch after it: read next fetch).
      if (buffer.readInt8(start + MAGIC) !== 2) {
        for (const m of await messageSet(buffer.subarray(start)))
          records.push(m);
        break;
      }
      if (end - start < HEADER) {
        // Too short to be a record batch: skip its first offset (the rest is read next fetch).
        const from = buffer.readBigInt64BE(start);
        records.push(
          marker(from, from, '-1', `a record batch shorter than its header`),
        );
        break;
      }
      const codec = buffer.readInt16BE(start + ATTRIBUTES) & 0x7;
      try {
        if (codec > KNOWN_CODECS)
          throw new Error(`unknown compression codec ${codec}`);
        const batch = await RecordBatchDecoder(decoder);
        for (const record of batch.records) records.push(record);
      } catch (error: any) {
        if (error?.name === 'KafkaJSPartialMessageError') break;
        const from = buffer.readBigInt64BE(start);
        // Its last offset, from a header that may be corrupt: never past the next batch.
        let to =
          from +
          BigInt(Math.max(0, buffer.readInt32BE(start + LAST_OFFSET_DELTA)));
        if (buffer.length - end >= 8) {
          const next = buffer.readBigInt64BE(end);
          if (next > from && next <= to) to = next - BigInt(1);
        }
        records.push(
          marker(
            from,
            to,
            String(buffer.readBigInt64BE(start + MAX_TIMESTAMP)),
            why(buffer, start, end, error),
          ),
        );
        decoder.offset = end;
      }
    }
    return records;
  }

  /** A v0/v1 message set (Offset, MessageSize, Message)*: kafkajs's decoder, or one marker. */
  async function messageSet(buffer: Buffer) {
    try {
      return await MessageSetDecoder(new Decoder(buffer), buffer.length);
    } catch (error: any) {
      let first: bigint | undefined;
      let last = BigInt(0);
      for (let at = 0; at + 12 <= buffer.length; ) {
        last = buffer.readBigInt64BE(at);
        first ??= last;
        at += 12 + buffer.readInt32BE(at + 8);
      }
      const magic = buffer.length > MAGIC ? buffer.readInt8(MAGIC) : 0;
      return [
        marker(
          first ?? last,
          last,
          '-1',
          `could not decode a v${magic} message set: ${String(
            error?.message ?? error,
          )}`,
        ),
      ];
    }
  }

  async function decodeMessages(decoder: any) {
    const size = decoder.readInt32();
    if (size <= 0 || !decoder.canReadBytes(size)) return [];
    const buffer: Buffer = decoder.readBytes(size);
    return buffer.length > MAGIC && buffer.readInt8(MAGIC) === 2
      ? recordBatches(buffer)
      : messageSet(buffer);
  }

  return { file, decodeMessages };
}
