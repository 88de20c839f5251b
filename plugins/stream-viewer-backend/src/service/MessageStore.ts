import {
  decodePayload,
  type DecodedKind,
  type LatestMessage,
} from '@stacktalk/plugin-stream-viewer-common';
import { PayloadReader } from './PayloadReader';
import { kafkaMessageId, startOf, type MessageBatch } from './types';

const KINDS: DecodedKind[] = ['json', 'number', 'text', 'binary'];
const KIND_CODE: Record<DecodedKind, number> = {
  json: 0,
  number: 1,
  text: 2,
  binary: 3,
};

/**
 * Free 1 MiB chunks for message bytes, shared by all stores. Memory a process touches for the
 * first time costs a page fault per 4 KiB (about 3 ms per MiB on the 2-core VM the benchmark
 * runs on), reused memory nothing; a full stream recycles its oldest chunk at the rate it
 * fills a new one, and streams stop and start with their viewers. At most 32 MiB wait here.
 */
const CHUNK = 1 << 20;
const POOL_MAX = 32;
const pool: Buffer[] = [];

function takeChunk(needed: number): Buffer {
  if (needed > CHUNK) return Buffer.allocUnsafeSlow(needed);
  return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}

function giveChunk(chunk: Buffer) {
  if (chunk.length === CHUNK && pool.length < POOL_MAX) pool.push(chunk);
}

/**
 * The columns of stopped streams' stores, for the next store that grows: it takes a whole set
 * at once instead of doubling its way up through fresh arrays (memory touched for the first time,
 * and external memory that makes V8 run full garbage collections). At most two sets.
 */
interface SpareColumns {
  capacity: number;
  buffers: ArrayBufferLike[];
}
const SPARE_MAX = 2;
const spares: SpareColumns[] = [];

function takeSpare(needed: number): SpareColumns | undefined {
  const at = spares.findIndex(s => s.capacity >= needed);
  return at < 0 ? undefined : spares.splice(at, 1)[0];
}

/**
 * The raw messages of one stream, oldest first, in columns: typed arrays for times, partitions,
 * offsets, kinds and each charted field (NaN where a message has none), and the messages' bytes
 * (key, payload, Redis id: as a `MessageBatch` has them) back to back in 1 MiB chunks, in message
 * order, so that the bytes of consecutive messages of a batch are copied at once.
 *
 * A stream at 20k msg/s keeps 200,000 messages. As objects (message, decoded payload, values
 * array, id string) that is about a million long-lived heap objects; even as one JSON string
 * per message it is 200,000 strings that every garbage collection copies, promotes and traces
 * while they are evicted and replaced at 20k/s. Here nothing per message lives on the JS heap:
 * chunks are few and large, and a chunk whose messages have all left is reused. Payloads are decoded
 * again only when someone looks (the latest 50); filters read them where they lie (`FilterView`).
 */
export class MessageStore {
  private capacity!: number;
  /** Physical index of the oldest kept message; `length` messages follow it. */
  private head = 0;
  length = 0;
  /**
   * Messages dropped from the front since the store was made or last reordered: message i has
   * the sequence number `dropped + i`, which stays its name while it is kept (filter views keep
   * their place by it). `sortByTime` and `clear` renumber, and say so in `generation`.
   */
  dropped = 0;
  generation = 0;
  private ts!: Float64Array;
  private partitions!: Int32Array;
  private offsets!: Float64Array;
  private kinds!: Uint8Array;
  /**
   * Where each message's bytes are (chunk sequence number, start in that chunk), its payload's
   * length, its key's (-1: none) and its id's (0: Kafka, named by partition:offset).
   */
  private chunkIds!: Int32Array;
  private starts!: Int32Array;
  private sizes!: Int32Array;
  private keyLengths!: Int32Array;
  private idLengths!: Int32Array;
  /** The chunks in use, oldest first; `chunks[0]` has sequence number `firstChunk`. */
  private chunks: Buffer[] = [];
  private firstChunk = 0;
  /** Where the next message's bytes go in the last chunk. */
  private chunkEnd = 0;
  /**
   * Bytes pushed and not yet copied: `data[from, to)` of the batch being pushed goes to `chunk`
   * at `at`. Consecutive messages extend it; it is copied before anything reads the chunks.
   */
  private pending?: {
    data: Uint8Array;
    from: number;
    to: number;
    chunk: Buffer;
    at: number;
  };
  private fields: Float64Array[] = [];

  constructor() {
    this.empty();
  }

  /**
   * No room and no messages: every column empty (a new store, or a stopped one whose columns
   * went to the spare pool: keeping them would share another store's memory).
   */
  private empty() {
    this.capacity = 0;
    this.ts = new Float64Array(0);
    this.partitions = new Int32Array(0);
    this.offsets = new Float64Array(0);
    this.kinds = new Uint8Array(0);
    this.chunkIds = new Int32Array(0);
    this.starts = new Int32Array(0);
    this.sizes = new Int32Array(0);
    this.keyLengths = new Int32Array(0);
    this.idLengths = new Int32Array(0);
    this.fields = this.fields.map(() => new Float64Array(0));
    this.dropped = 0;
    this.generation++;
  }

  /** Adds a column for a charted field and computes it for the kept messages. */
  addField(path: Array<string | number>) {
    const column = new Float64Array(this.capacity).fill(Number.NaN);
    const reader = new PayloadReader([path]);
    for (let j = this.head; j < this.head + this.length; j++) {
      reader.read(this.payload(j));
      column[j] = reader.numbers[0];
    }
    this.fields.push(column);
  }

  private grow(needed: number) {
    // Move the live part to the front when a quarter or more of the room is behind it (so each
    // message is moved O(1) times); otherwise double.
    if (this.head > 0 && this.head >= this.capacity / 4) {
      this.compact();
      if (needed <= this.capacity) return;
    }
    if (this.head > 0) this.compact();
    let capacity = Math.max(1024, this.capacity * 2, needed);
    const spare = takeSpare(capacity);
    if (spare) capacity = spare.capacity;
    // Everything past `length` is written by `push` before it is read, so a spare column's old
    // contents do not matter; field columns are NaN where a message has no value.
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(
      old: T,
      Make: { new (n: number): T; new (b: ArrayBufferLike): T },
      fill?: number,
    ) => {
      const bytes = capacity * Make.prototype.BYTES_PER_ELEMENT;
      const at = spare?.buffers.findIndex(b => b.byteLength === bytes) ?? -1;
      const next =
        at >= 0
          ? new Make(spare!.buffers.splice(at, 1)[0])
          : new Make(capacity);
      if (fill !== undefined) next.fill(fill, this.length);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.ts = widen(this.ts, Float64Array);
    this.partitions = widen(this.partitions, Int32Array);
    this.offsets = widen(this.offsets, Float64Array);
    this.kinds = widen(this.kinds, Uint8Array);
    this.chunkIds = widen(this.chunkIds, Int32Array);
    this.starts = widen(this.starts, Int32Array);
    this.sizes = widen(this.sizes, Int32Array);
    this.keyLengths = widen(this.keyLengths, Int32Array);
    this.idLengths = widen(this.idLengths, Int32Array);
    this.fields = this.fields.map(f => widen(f, Float64Array, Number.NaN));
    this.capacity = capacity;
  }

  /** Every per-message column. */
  private columns() {
    return [
      this.ts,
      this.partitions,
      this.offsets,
      this.kinds,
      this.chunkIds,
      this.starts,
      this.sizes,
      this.keyLengths,
      this.idLengths,
      ...this.fields,
    ];
  }

  private compact() {
    const h = this.head;
    const end = h + this.length;
    for (const column of this.columns()) column.copyWithin(0, h, end);
    this.head = 0;
  }

  /** Bytes message j takes (payload, key, id). */
  private extent(j: number): number {
    return this.sizes[j] + Math.max(0, this.keyLengths[j]) + this.idLengths[j];
  }

  private chunkOf(j: number): Buffer {
    this.flush();
    return this.chunks[this.chunkIds[j] - this.firstChunk];
  }

  /**
   * Copies the bytes of the messages pushed since the last flush. Anything that reads the
   * chunks does so first; the hub does after each batch, whose memory is then reused.
   */
  flush() {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    p.chunk.set(p.data.subarray(p.from, p.to), p.at);
  }

  /**
   * Claims `extent(j)` bytes after the last message's (in a new chunk when the last one is
   * full) for message j, records where they are, and returns their chunk.
   */
  private claim(j: number): Buffer {
    const needed = this.extent(j);
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || this.chunkEnd + needed > chunk.length) {
      chunk = takeChunk(needed);
      this.chunks.push(chunk);
      this.chunkEnd = 0;
    }
    this.chunkIds[j] = this.firstChunk + this.chunks.length - 1;
    this.starts[j] = this.chunkEnd;
    this.chunkEnd += needed;
    return chunk;
  }

  /** Gives back the chunks no kept message uses any more. */
  private releaseChunks() {
    this.flush();
    const oldest = this.length
      ? this.chunkIds[this.head]
      : this.firstChunk + this.chunks.length;
    while (this.firstChunk < oldest) {
      giveChunk(this.chunks.shift()!);
      this.firstChunk++;
    }
    if (!this.chunks.length) this.chunkEnd = 0;
  }

  /**
   * Appends message `k` of `batch`, read by the hub: its event time, kind and field values
   * (`values[i]` for field column i). Its bytes are copied (with its neighbours' when they
   * follow each other, before anything reads them); nothing of the batch is kept.
   */
  push(
    batch: MessageBatch,
    k: number,
    timestamp: number,
    kind: DecodedKind,
    values: ArrayLike<number>,
  ) {
    let j = this.head + this.length;
    if (j >= this.capacity) {
      this.grow(this.length + 1);
      j = this.head + this.length;
    }
    const from = startOf(batch, k);
    const to = batch.ends[k];
    const keyLength = batch.keyLengths[k];
    const idLength = batch.idLengths ? batch.idLengths[k] : 0;
    this.keyLengths[j] = keyLength;
    this.idLengths[j] = idLength;
    this.sizes[j] = to - from - Math.max(0, keyLength) - idLength;
    const chunk = this.claim(j);
    const at = this.starts[j];
    const p = this.pending;
    if (
      p &&
      p.data === batch.data &&
      p.to === from &&
      p.chunk === chunk &&
      p.at + (p.to - p.from) === at
    )
      p.to = to;
    else {
      this.flush();
      this.pending = { data: batch.data, from, to, chunk, at };
    }
    this.ts[j] = timestamp;
    this.partitions[j] = batch.partitions[k];
    this.offsets[j] = batch.offsets[k];
    this.kinds[j] = KIND_CODE[kind];
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) fields[i][j] = values[i];
    this.length++;
  }

  /** Drops the `n` oldest messages. */
  dropOldest(n: number) {
    const end = this.head + Math.min(n, this.length);
    this.dropped += end - this.head;
    this.length -= end - this.head;
    this.head = end;
    if (this.length === 0) this.head = 0;
    this.releaseChunks();
  }

  /** Drops every message; the chunks go back to the pool (a stopped stream). */
  clear() {
    this.dropOldest(this.length);
    if (this.capacity >= 65_536 && spares.length < SPARE_MAX) {
      spares.push({
        capacity: this.capacity,
        buffers: this.columns().map(c => c.buffer),
      });
    }
    this.empty();
  }

  /** Event time of the i-th oldest kept message. */
  timestamp(i: number): number {
    return this.ts[this.head + i];
  }

  /** Value of field column `field` of the i-th message (NaN: none). */
  value(i: number, field: number): number {
    return this.fields[field][this.head + i];
  }

  partition(i: number): number | undefined {
    const p = this.partitions[this.head + i];
    return p < 0 ? undefined : p;
  }

  id(i: number): string {
    const j = this.head + i;
    const length = this.idLengths[j];
    if (!length) return kafkaMessageId(this.partitions[j], this.offsets[j]);
    const at = this.starts[j] + Math.max(0, this.keyLengths[j]) + this.sizes[j];
    return this.chunkOf(j).toString('utf8', at, at + length);
  }

  private key(j: number): string | undefined {
    const length = this.keyLengths[j];
    if (length < 0) return undefined;
    const at = this.starts[j];
    return this.chunkOf(j).toString('utf8', at, at + length);
  }

  private payload(j: number): Uint8Array {
    const at = this.starts[j] + Math.max(0, this.keyLengths[j]);
    return this.chunkOf(j).subarray(at, at + this.sizes[j]);
  }

  /** The i-th oldest message's payload bytes, where they lie (valid until the store changes). */
  payloadAt(i: number): Uint8Array {
    return this.payload(this.head + i);
  }

  /** Reads the i-th oldest message's payload with `reader` where it lies (no view made). */
  readPayload(i: number, reader: PayloadReader): DecodedKind {
    const j = this.head + i;
    const at = this.starts[j] + Math.max(0, this.keyLengths[j]);
    return reader.read(this.chunkOf(j), at, at + this.sizes[j]);
  }

  /** The i-th oldest message's payload, decoded again. */
  valueAt(i: number): unknown {
    return decodePayload(this.payloadAt(i)).value;
  }

  kind(i: number): DecodedKind {
    return KINDS[this.kinds[this.head + i]];
  }

  /** The i-th oldest message with its payload decoded again. */
  message(i: number): LatestMessage {
    const j = this.head + i;
    const partition = this.partition(i);
    const key = this.key(j);
    return {
      id: this.id(i),
      ...(partition !== undefined ? { partition } : {}),
      timestamp: this.ts[j],
      ...(key !== undefined ? { key } : {}),
      size: this.sizes[j],
      kind: KINDS[this.kinds[j]],
      value: this.valueAt(i),
    };
  }

  /** Index of the first message at or after `t` (binary search over the nearly sorted times). */
  firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[this.head + mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Ids of all kept messages (to drop overlap when history is merged in). */
  idSet(): Set<string> {
    const set = new Set<string>();
    for (let i = 0; i < this.length; i++) set.add(this.id(i));
    return set;
  }

  /** Reorders the kept messages by event time (after history was appended): sequence numbers start again. */
  sortByTime() {
    this.flush();
    this.compact();
    const n = this.length;
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => this.ts[a] - this.ts[b] || a - b,
    );
    const permute = <T extends { [i: number]: any }>(column: T) => {
      const copy = Array.from({ length: n }, (_, i) => column[order[i]]);
      for (let i = 0; i < n; i++) column[i] = copy[i];
    };
    permute(this.ts);
    permute(this.partitions);
    permute(this.offsets);
    permute(this.kinds);
    permute(this.chunkIds);
    permute(this.starts);
    permute(this.sizes);
    permute(this.keyLengths);
    permute(this.idLengths);
    this.fields.forEach(permute);
    // Bytes are kept in message order: write them again in the new order, then give the old
    // chunks back.
    const old = this.chunks;
    const oldFirst = this.firstChunk;
    this.firstChunk += old.length;
    this.chunks = [];
    this.chunkEnd = 0;
    for (let j = 0; j < n; j++) {
      const from = old[this.chunkIds[j] - oldFirst];
      const at = this.starts[j];
      from.copy(this.claim(j), this.starts[j], at, at + this.extent(j));
    }
    old.forEach(giveChunk);
    this.dropped = 0;
    this.generation++;
  }
}
