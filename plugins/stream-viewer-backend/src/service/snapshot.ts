import type { Snapshot } from '@stacktalk/plugin-stream-viewer-common';
import { downsample, type Point } from './Downsampler';
import { FINE_RETENTION_MS } from './FilterView';
import type { StreamState, Subscriber } from './StreamState';

/** Rows of the latest-messages table. */
const LATEST = 50;

/**
 * One viewer's snapshot of a stream (computed once per distinct view per round, see
 * `StreamHub`): series, rates and counts from the stream's rollups, or its filtered view's.
 */
export function computeSnapshot(
  stream: StreamState,
  s: Subscriber<{ windowMs: number; fields: string[]; payloads: boolean }>,
  now: number,
  max: number,
): Snapshot {
  const { windowMs, fields, payloads } = s.options;
  const view = s.view;
  const from = Math.max(now - windowMs, s.floor);
  const lastSecond = Math.floor(now / 1000) - 1; // the current second is not complete yet
  const fieldIndex = fields.map(f => stream.fields.indexOf(f));
  const raw = stream.store;
  // The buffer has every message from `rawFrom` on (older ones were evicted for its size).
  const rawFrom = stream.evictedUntil >= from ? stream.evictedUntil + 1 : from;
  const coveredFrom = Math.max(stream.coveredFrom, view ? view.coveredFrom : 0);
  const seconds = view ? view.seconds : stream.seconds;
  const fine = windowMs <= FINE_RETENTION_MS - 10_000;
  const tenths = view ? view.tenths : stream.tenths;
  const level = fine && tenths ? tenths : seconds;
  // The messages themselves while all of the window's are kept and few (a view: its matches);
  // beyond that, min / max per bucket (100 ms for windows up to 5 minutes, else 1 s): the cost
  // follows the window, not the message rate.
  let drawn: number[] | undefined;
  if (view) {
    if (view.holdsAllSince(raw, from, rawFrom))
      drawn = view.latestHits(raw, from);
  } else if (rawFrom <= from) {
    const first = raw.firstAtOrAfter(from);
    if (raw.length - first <= 2 * max)
      drawn = Array.from({ length: raw.length - first }, (_, k) => first + k);
  }
  const series: Record<string, Point[]> = {};
  fields.forEach((f, k) => {
    let points: Point[];
    if (drawn) {
      points = [];
      for (const j of drawn) {
        const v = raw.value(j, fieldIndex[k]);
        if (!Number.isNaN(v)) points.push([raw.timestamp(j), v]);
      }
    } else points = level.minMax(from, now + 1, fieldIndex[k]);
    series[f] = downsample(points, max);
  });
  // Rates always from the rollups: complete even where raw messages were evicted. Whole
  // seconds only: the second `from` falls in also holds messages before it. None before the
  // hub has every message (nor at all before the reader was first live, unless history was
  // read): a count there would be a made-up zero.
  let rate: Point[] = [];
  const perPartition = new Map<number, Point[]>();
  const counted = stream.wasLive || stream.coveredFrom < stream.liveSince;
  const firstSecond = counted
    ? Math.ceil(Math.max(from, coveredFrom) / 1000)
    : Infinity;
  let matched = 0;
  for (let second = firstSecond; second <= lastSecond + 1; second++) {
    const n = seconds.countAt(second);
    matched += n;
    if (second > lastSecond) break;
    rate.push([second * 1000, n]);
    seconds.forEachPartition(second, (_, p) => {
      if (!perPartition.has(p)) perPartition.set(p, []);
    });
  }
  // Where every message of the window is at hand, count exactly, over the time the rates cover.
  const countFrom = Math.max(from, coveredFrom);
  if (view && drawn)
    matched = drawn.filter(j => raw.timestamp(j) >= countFrom).length;
  else if (!view && rawFrom <= from)
    matched = raw.length - raw.firstAtOrAfter(countFrom);
  let ratePerPartition: Record<string, Point[]> | undefined;
  if (perPartition.size) {
    for (const [p, pts] of perPartition) {
      for (let second = firstSecond; second <= lastSecond; second++)
        pts.push([second * 1000, seconds.partitionCountAt(second, p)]);
    }
    ratePerPartition = Object.fromEntries(
      [...perPartition]
        .sort((a, b) => a[0] - b[0])
        .map(([p, pts]) => [String(p), downsample(pts, max)]),
    );
  }
  rate = downsample(rate, max);
  let latest: number[] = [];
  if (payloads && view) latest = view.latestHits(raw, from, LATEST);
  else if (payloads) {
    const first = raw.firstAtOrAfter(from);
    for (let j = Math.max(first, raw.length - LATEST); j < raw.length; j++)
      latest.push(j);
  }
  const catchingUp = view && !view.live(raw);
  return {
    connection: stream.connection,
    at: now,
    series,
    rate,
    ...(ratePerPartition ? { ratePerPartition } : {}),
    totals: {
      messages: stream.total,
      decodeFailures: stream.decodeFailures,
      matched,
    },
    ...(payloads
      ? { latest: latest.reverse().map(j => stream.latestMessage(j)) }
      : {}),
    coverage: {
      from: countFrom,
      exact: view ? !!drawn : rawFrom <= from,
    },
    ...(s.backfill ? { backfill: { ...s.backfill } } : {}),
    ...(catchingUp
      ? {
          filtering: {
            tested: view.tested,
            of: view.tested + raw.dropped + raw.length - view.next,
          },
        }
      : {}),
    ...(stream.notices.length ? { notices: stream.notices } : {}),
  };
}
