import { Worker } from 'node:worker_threads';
import type { Batch, Consumer, KafkaConfig } from 'kafkajs';
import type { MessageBatch } from './types';
import { kafkajsFastPath } from './kafkajsFastPath';
import {
  codecPaths,
  readPastUndecodable,
  registerKafkaCodecs,
  type UndecodableMarker,
} from './kafkaDecoding';
import {
  readHistory,
  type HistoryEvent,
  type HistoryJob,
  type UndecodableEvent,
} from './kafkaHistory';

/**
 * The live tail of a Kafka topic runs kafkajs on a worker thread of its own: kafkajs's decoding
 * of record batches is most of a busy topic's cost (about 1 µs a message), and on the backend's
 * main thread it would compete with every other plugin's requests and with the hub's own work
 * (reading the charted fields, building snapshots). The worker hands each fetch's messages over
 * as a few typed arrays in memory shared with the main thread (a slot), and stops fetching while
 * `MAX_IN_FLIGHT` slots are not yet taken: a main thread that falls behind slows the fetching,
 * not memory. A taken slot is filled again: no memory is allocated per fetch on either thread
 * (a fresh buffer per fetch was about 30 MB a second of new memory at 200k msg/s, and the
 * garbage collections it brought on both threads).
 *
 * The worker only reports what kafkajs says (fetches, events, error log lines); what they mean
 * for the connection state is decided on the main thread (`KafkaTopicSource`).
 */

/** Batches handed over and not yet taken before the worker stops fetching. */
const MAX_IN_FLIGHT = 4;
/** Messages fetched before they are handed over without waiting for the rest of the fetch. */
const FLUSH_AT = 4096;

export interface TailOptions {
  /** The client's configuration: plain data (no functions), for the worker to clone. */
  config: Omit<KafkaConfig, 'logCreator' | 'logLevel'>;
  groupId: string;
  topic: string;
  fromBeginning: boolean;
}

/**
 * Fetched messages (of one or more partitions), no ids. Views of a slot the Kafka thread fills
 * again once the batch is handled: valid only during the `onEvent` call that gets it.
 */
export interface PackedBatch extends MessageBatch {
  type: 'batch';
  idLengths?: undefined;
}

type Columns = Omit<PackedBatch, 'type' | 'idLengths'>;

/** A batch as the thread posts it: the slot it filled (with the slot's arrays when they are new). */
interface SlotBatch {
  type: 'slot';
  slot: number;
  count: number;
  size: number;
  arrays?: Columns;
}

export type TailEvent =
  | PackedBatch
  | { type: 'running' }
  | { type: 'failed'; message: string }
  | { type: 'fetch' }
  | { type: 'log'; message: string }
  | UndecodableEvent
  | { type: 'crash'; message?: string }
  | { type: 'request-timeout' }
  | { type: 'disconnect' }
  | { type: 'stopped' };

/** Shared memory the thread packs a batch into; its arrays grow (anew) for a bigger batch. */
interface Slot {
  index: number;
  arrays: Columns;
  /** The arrays are new since the main thread last saw this slot. */
  fresh: boolean;
}

interface ThreadTail {
  consumer: Consumer;
  /** Every slot of this tail; those not handed over (or taken back) are `free`. */
  slots: Slot[];
  free: Slot[];
  release?: () => void;
  pending: Pick<Batch, 'partition' | 'messages'>[];
  count: number;
  scheduled: boolean;
}

type Post = (event: TailEvent | SlotBatch) => void;

/**
 * The Kafka thread's code, run with that thread's `require`. Self-contained (it is run from its
 * compiled source, see `WORKER_SOURCE`): it requires kafkajs by the path the main thread
 * resolved, sped up by `kafkajsFastPath`, and runs every tail of the process, each by its id.
 */
function tailThread(
  load: NodeJS.Require,
  fastPath: typeof kafkajsFastPath,
  readPast: typeof readPastUndecodable,
  codecs: typeof registerKafkaCodecs,
  history: typeof readHistory,
) {
  const { parentPort, workerData } = load('node:worker_threads');
  const { maxInFlight, flushAt, paths } = workerData;
  const { kafkajs } = paths;
  // kafkajs, with its record decoder and Batch replaced before it loads them, then its decoder
  // of a partition's batches (which loads the record decoder), and every codec.
  const fast = fastPath(load, kafkajs);
  if (fast) {
    load.cache[fast.recordDecoderFile]!.exports = fast.recordDecoder;
    load.cache[fast.batchFile]!.exports = fast.Batch;
  }
  const past = readPast(load, kafkajs);
  if (past) load.cache[past.file]!.exports = past.decodeMessages;
  codecs(load, paths);
  const { Kafka, logLevel } = load(kafkajs) as typeof import('kafkajs');
  const tails = new Map<number, ThreadTail>();
  /** Reads of history under way, by id. */
  const histories = new Map<number, { stop(): void }>();
  /** Where a batch's bytes are packed before they go to its slot. */
  let staging = new Uint8Array(0);

  /** Slots handed over and not yet taken. */
  const inFlight = (tail: ThreadTail) => tail.slots.length - tail.free.length;

  /** A free slot with room for `n` messages of `size` bytes. */
  function slotFor(tail: ThreadTail, n: number, size: number): Slot {
    let slot = tail.free.pop();
    if (!slot) {
      slot = { index: tail.slots.length, arrays: columns(0, 0), fresh: true };
      tail.slots.push(slot);
    }
    const { arrays } = slot;
    if (arrays.offsets.length < n || arrays.data.length < size) {
      // Room for twice as much, so that a slot grows a few times at most.
      slot.arrays = columns(
        Math.max(arrays.offsets.length, 2 * n),
        Math.max(arrays.data.length, 2 * size),
      );
      slot.fresh = true;
    }
    return slot;
  }

  function columns(n: number, size: number): Columns {
    const shared = (bytes: number) => new SharedArrayBuffer(bytes);
    return {
      partitions: new Int32Array(shared(4 * n)),
      offsets: new Float64Array(shared(8 * n)),
      times: new Float64Array(shared(8 * n)),
      ends: new Uint32Array(shared(4 * n)),
      keyLengths: new Int32Array(shared(4 * n)),
      data: new Uint8Array(shared(size)),
    };
  }

  function flush(tail: ThreadTail, post: Post) {
    tail.scheduled = false;
    const n = tail.count;
    if (n === 0) return;
    let size = 0;
    for (const batch of tail.pending)
      for (const m of batch.messages)
        size += (m.key ? m.key.length : 0) + (m.value ? m.value.length : 0);
    const slot = slotFor(tail, n, size);
    const { partitions, offsets, times, ends, keyLengths } = slot.arrays;
    // The bytes go to the shared slot in one copy: copies into shared memory are about 60 ns
    // dearer each, one per key and value would cost that per message.
    if (staging.length < size) staging = new Uint8Array(2 * size);
    const data = staging;
    let at = 0;
    let i = 0;
    // Messages of a producer batch mostly share their time: its text is parsed once (a 13-digit
    // number costs about 45 ns to parse).
    let timeText: string | undefined;
    let time = 0;
    for (const batch of tail.pending) {
      for (const m of batch.messages) {
        if (m.key) {
          data.set(m.key, at);
          at += m.key.length;
          keyLengths[i] = m.key.length;
        } else keyLengths[i] = -1;
        if (m.value) {
          data.set(m.value, at);
          at += m.value.length;
        }
        ends[i] = at;
        partitions[i] = batch.partition;
        offsets[i] = Number(m.offset);
        if (i === 0 || m.timestamp !== timeText) {
          timeText = m.timestamp;
          time = Number(timeText) || Date.now();
        }
        times[i] = time;
        i++;
      }
    }
    slot.arrays.data.set(data.subarray(0, size));
    tail.pending = [];
    tail.count = 0;
    post({
      type: 'slot',
      slot: slot.index,
      count: n,
      size,
      arrays: slot.fresh ? slot.arrays : undefined,
    });
    slot.fresh = false;
  }

  /** The batch without the markers of batches that could not be decoded; each is reported. */
  function readable(batch: Batch, post: Post) {
    const { partition, messages } = batch;
    const isMarker = (m: object) => 'undecodable' in m;
    if (!messages.some(isMarker)) return batch;
    for (const m of messages as unknown as UndecodableMarker[])
      if (isMarker(m))
        post({
          type: 'undecodable',
          partition,
          from: m.undecodable.from,
          to: m.offset,
          reason: m.undecodable.reason,
        });
    return { partition, messages: messages.filter(m => !isMarker(m)) };
  }

  function start(id: number, o: TailOptions) {
    const post: Post = event => parentPort.postMessage({ id, event });
    const kafka = new Kafka({
      ...o.config,
      logLevel: logLevel.ERROR,
      logCreator: () => entry =>
        post({ type: 'log', message: String(entry.log.message) }),
    });
    const consumer = kafka.consumer({
      groupId: o.groupId,
      maxWaitTimeInMs: 100,
      retry: o.config.retry,
    });
    const tail: ThreadTail = {
      consumer,
      slots: [],
      free: [],
      pending: [],
      count: 0,
      scheduled: false,
    };
    tails.set(id, tail);
    let lastFetch = 0;
    consumer.on(consumer.events.FETCH, () => {
      const now = Date.now();
      if (now - lastFetch >= 200) {
        lastFetch = now;
        post({ type: 'fetch' });
      }
    });
    consumer.on(consumer.events.CRASH, e =>
      post({ type: 'crash', message: e.payload.error?.message }),
    );
    consumer.on(consumer.events.REQUEST_TIMEOUT, () =>
      post({ type: 'request-timeout' }),
    );
    consumer.on(consumer.events.DISCONNECT, () => post({ type: 'disconnect' }));
    (async () => {
      await consumer.connect();
      await consumer.subscribe({
        topic: o.topic,
        fromBeginning: o.fromBeginning,
      });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch: fetched }) => {
          if (fetched.messages.length === 0 || !tails.has(id)) return;
          const batch = readable(fetched, post);
          tail.pending.push(batch);
          tail.count += batch.messages.length;
          // A fetch brings one batch per partition: they go over together (one message between
          // threads costs far more than packing one more batch), at the latest when the fetch's
          // batches are all handled.
          if (tail.count >= flushAt) flush(tail, post);
          else if (!tail.scheduled) {
            tail.scheduled = true;
            setImmediate(() => flush(tail, post));
          }
          if (inFlight(tail) >= maxInFlight)
            await new Promise<void>(r => (tail.release = r));
        },
      });
      post({ type: 'running' });
    })().catch(e => post({ type: 'failed', message: String(e?.message ?? e) }));
  }

  parentPort.on(
    'message',
    ({
      type,
      id,
      options,
      slot,
      job,
    }: {
      type: string;
      id: number;
      options: TailOptions;
      slot: number;
      job: HistoryJob;
    }) => {
      const tail = tails.get(id);
      if (type === 'start') start(id, options);
      else if (type === 'history') {
        const kafka = new Kafka({ ...job.config, logLevel: logLevel.NOTHING });
        histories.set(
          id,
          history(kafka, job, (event, transfer) => {
            if (event.type === 'history-done' || event.type === 'failed')
              histories.delete(id);
            parentPort.postMessage({ id, event }, transfer);
          }),
        );
      } else if (type === 'stop' && histories.has(id))
        histories.get(id)!.stop();
      else if (!tail) return;
      else if (type === 'taken') {
        tail.free.push(tail.slots[slot]);
        if (tail.release && inFlight(tail) < maxInFlight) {
          tail.release();
          tail.release = undefined;
        }
      } else if (type === 'stop') {
        tails.delete(id);
        tail.release?.();
        tail.consumer
          .disconnect()
          .catch(() => {})
          .then(() =>
            parentPort.postMessage({ id, event: { type: 'stopped' } }),
          );
      }
    },
  );
}

/**
 * What the Kafka thread runs: `tailThread`'s compiled source, given the thread's `require`, so
 * that it needs no build step of its own (in development, tests and a bundled backend alike).
 */
const WORKER_SOURCE = `(${tailThread})(require, ${kafkajsFastPath}, ${readPastUndecodable}, ${registerKafkaCodecs}, ${readHistory});`;

/** How long the thread outlives its last tail (kafkajs stays warm for the next viewer). */
const IDLE_MS = 60_000;

/** The one thread that runs every Kafka tail of this process, started with the first. */
class TailThread {
  private worker?: Worker;
  /** What each tail or read of history on the thread hears, by id. */
  private readonly tails = new Map<
    number,
    (event: TailEvent | SlotBatch | HistoryEvent) => void
  >();
  private nextId = 1;
  private idleTimer?: NodeJS.Timeout;

  private thread() {
    clearTimeout(this.idleTimer);
    if (!this.worker) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: {
          paths: codecPaths(),
          maxInFlight: MAX_IN_FLIGHT,
          flushAt: FLUSH_AT,
        },
      });
      worker.on('message', ({ id, event }) => this.tails.get(id)?.(event));
      let failure = '';
      worker.on('error', (error: Error) => (failure = `: ${error.message}`));
      worker.on('exit', code => {
        if (this.worker === worker) this.worker = undefined;
        // Every tail on it is lost (none when it ended idle): each hears why and is forgotten;
        // the next start begins a new thread.
        const lost = [...this.tails.values()];
        this.tails.clear();
        for (const onEvent of lost) {
          onEvent({
            type: 'failed',
            message: `the Kafka reader's thread ended (exit code ${code})${failure}`,
          });
          onEvent({ type: 'stopped' });
        }
      });
      this.worker = worker;
    }
    this.worker.ref();
    return this.worker;
  }

  start(options: TailOptions, onEvent: (event: TailEvent) => void) {
    const id = this.nextId++;
    const worker = this.thread();
    let stopping: (() => void) | undefined;
    /** The slots' arrays, as the thread last sent them. */
    const slots: Columns[] = [];
    this.tails.set(id, event => {
      if (event.type === 'stopped') stopping?.();
      else if (stopping) return;
      else if (event.type === 'slot') {
        if (event.arrays) slots[event.slot] = event.arrays;
        const { data, partitions, offsets, times, ends, keyLengths } =
          slots[event.slot];
        const n = event.count;
        onEvent({
          type: 'batch',
          partitions: partitions.subarray(0, n),
          offsets: offsets.subarray(0, n),
          times: times.subarray(0, n),
          ends: ends.subarray(0, n),
          keyLengths: keyLengths.subarray(0, n),
          data: data.subarray(0, event.size),
        });
        // Handled (and copied where kept): the thread may fill the slot again.
        worker.postMessage({ type: 'taken', id, slot: event.slot });
      } else onEvent(event as TailEvent);
    });
    worker.postMessage({ type: 'start', id, options });
    return {
      /** Disconnects the consumer (its group leaves); gives up waiting after 10 s. */
      stop: () =>
        new Promise<void>(resolve => {
          const timer = setTimeout(() => stopping?.(), 10_000);
          stopping = () => {
            clearTimeout(timer);
            this.tails.delete(id);
            if (this.tails.size === 0 && this.worker === worker)
              this.idle(worker);
            resolve();
          };
          if (this.worker === worker) worker.postMessage({ type: 'stop', id });
          else stopping();
        }),
    };
  }

  /** Reads history on the thread (`readHistory`); `onEvent` hears its batches and its end. */
  history(job: HistoryJob, onEvent: (event: HistoryEvent) => void) {
    const id = this.nextId++;
    const worker = this.thread();
    let ended = false;
    const forget = () => {
      ended = true;
      if (!this.tails.delete(id)) return;
      if (this.tails.size === 0 && this.worker === worker) this.idle(worker);
    };
    this.tails.set(id, event => {
      // A thread that ended sends `failed` (then `stopped`).
      if (ended || event.type === 'stopped') return;
      if (event.type === 'history-done' || event.type === 'failed') forget();
      onEvent(event as HistoryEvent);
    });
    worker.postMessage({ type: 'history', id, job });
    return {
      stop: () => {
        if (ended) return;
        worker.postMessage({ type: 'stop', id });
        forget();
      },
    };
  }

  end() {
    return this.worker?.terminate();
  }

  private idle(worker: Worker) {
    // Unreferenced, the idle thread keeps no process alive; it ends after IDLE_MS.
    worker.unref();
    this.idleTimer = setTimeout(() => worker.terminate(), IDLE_MS);
    this.idleTimer.unref?.();
  }
}

const thread = new TailThread();

/**
 * Ends the Kafka thread at once, as a crash would: each of its tails hears that it failed.
 * For tests.
 */
export function endTailThread() {
  return thread.end();
}

/** Reads history on the Kafka thread; `onEvent` gets its batches, skipped batches and its end. */
export function startHistory(
  job: HistoryJob,
  onEvent: (event: HistoryEvent) => void,
) {
  return thread.history(job, onEvent);
}

/** Starts a tail on the Kafka thread; `onEvent` gets what it reports. */
export function startTail(
  options: TailOptions,
  onEvent: (event: TailEvent) => void,
) {
  return thread.start(options, onEvent);
}
