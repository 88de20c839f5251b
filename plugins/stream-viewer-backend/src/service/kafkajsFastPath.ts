/**
 * Faster versions of the two kafkajs functions a busy tail spends most of its time in, for the
 * Kafka thread (`kafkaTail`) only. kafkajs keeps every offset and timestamp as a 64-bit `Long`
 * built on BigInt: per message it decodes a varlong byte by byte in BigInt, adds two Longs and
 * prints them (the record decoder), then parses the offset back into a Long to compare it with
 * the fetched offset (`Batch`). These versions do the same arithmetic with plain numbers while
 * the values are exact in a double (below 2^52, every real offset and epoch-ms timestamp) and
 * hand anything else to the functions they replace, so their output is kafkajs's output (see
 * the test).
 *
 * Only for the kafkajs version they were written against (kafkajs 2.2.4, its last release);
 * with any other version this returns undefined and kafkajs runs unchanged.
 *
 * Self-contained: its source is run on the Kafka thread, with that thread's `require`.
 */
export function kafkajsFastPath(
  load: (id: string) => any,
  kafkajsMain: string,
):
  | {
      recordDecoderFile: string;
      recordDecoder: (decoder: any, batchContext?: any) => any;
      batchFile: string;
      Batch: any;
    }
  | undefined {
  const path = load('node:path');
  const root = path.dirname(kafkajsMain);
  if (load(path.join(root, 'package.json')).version !== '2.2.4')
    return undefined;
  const src = path.join(root, 'src');
  const TimestampTypes = load(path.join(src, 'protocol/timestampTypes'));
  const filterAbortedMessages = load(
    path.join(src, 'consumer/filterAbortedMessages'),
  );
  const recordDecoderFile = path.join(
    src,
    'protocol/recordBatch/record/v0/decoder.js',
  );
  const originalRecordDecoder = load(recordDecoderFile);
  const batchFile = path.join(src, 'consumer/batch.js');
  const OriginalBatch = load(batchFile);
  /** Integers up to here stay exact after adding a 32-bit delta. */
  const EXACT = 2 ** 52;
  const exact = (n: number) => n > -EXACT && n < EXACT;

  /**
   * kafkajs's record decoder (protocol/recordBatch/record/v0/decoder.js) for the usual record:
   * offsets and times as numbers, no headers. Any other record (a base offset or time not
   * exact in a double, a time delta longer than 7 bytes, headers) is decoded by kafkajs's own.
   */
  function recordDecoder(decoder: any, batchContext: any = {}) {
    const {
      firstOffset,
      firstTimestamp,
      magicByte,
      isControlBatch = false,
      timestampType,
      maxTimestamp,
    } = batchContext;
    const start = decoder.offset;
    const theirs = () => {
      decoder.offset = start;
      return originalRecordDecoder(decoder, batchContext);
    };
    const base = Number(firstOffset);
    const first = Number(firstTimestamp);
    if (!exact(base) || !exact(first)) return theirs();
    const attributes = decoder.readInt8();
    // The timestamp delta: a zigzag varlong, read as a number while it has at most 7 bytes (49 bits).
    const bytes = decoder.buffer;
    const at = decoder.offset;
    let zigzag = 0;
    let scale = 1;
    let i = at;
    let byte;
    do {
      byte = bytes[i++];
      zigzag += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80 && i - at < 7);
    if (byte & 0x80) return theirs();
    decoder.offset = i;
    const delta = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    const timestamp =
      timestampType === TimestampTypes.LOG_APPEND_TIME && maxTimestamp
        ? maxTimestamp
        : String(first + delta);
    const offset = String(base + decoder.readVarInt());
    const key = decoder.readVarIntBytes();
    const value = decoder.readVarIntBytes();
    if (decoder.readVarInt() !== 0) return theirs(); // headers
    return {
      magicByte,
      attributes,
      timestamp,
      offset,
      key,
      value,
      headers: {},
      isControlRecord: isControlBatch,
      batchContext,
    };
  }

  /** kafkajs's `Batch`, comparing offsets as numbers while the fetched offset is exact. */
  class Batch extends OriginalBatch {
    constructor(topic: string, fetchedOffset: string, partitionData: any) {
      const from = Number(fetchedOffset);
      if (!exact(from)) {
        super(topic, fetchedOffset, partitionData);
        return;
      }
      super(topic, fetchedOffset, { ...partitionData, messages: [] });
      const { abortedTransactions, messages } = partitionData;
      this.rawMessages = messages;
      // A message's offset beyond 2^52 is still compared correctly: it is far above `from`.
      this.messagesWithinOffset = messages.filter(
        (m: { offset: string }) => Number(m.offset) >= from,
      );
      this.messages = filterAbortedMessages({
        messages: this.messagesWithinOffset,
        abortedTransactions,
      }).filter((m: { isControlRecord: boolean }) => !m.isControlRecord);
    }
  }

  return { recordDecoderFile, recordDecoder, batchFile, Batch };
}
