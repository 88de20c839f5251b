/** Shared by the benchmarks: latency percentiles of operations run by concurrent workers, arguments, test data. */
import { randomUUID } from 'node:crypto';

/** `--name value` from the command line, else `fallback`. */
export const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The routes of the telemetry messages, in turn. */
export const ROUTES = [
  '/api/v1/reports',
  '/api/v1/streams',
  '/healthz',
  '/api/v1/secrets',
];

/** A telemetry message (~180 bytes) of a stream viewer benchmark: message `i`, sent at `sent`. */
export function telemetry(i: number, sent: number) {
  return JSON.stringify({
    ts: sent,
    service: ['stacktalk-core-api', 'stacktalk-edge-nginx', 'stacktalk-worker'][
      i % 3
    ],
    route: ROUTES[i % 4],
    status: i % 97 === 0 ? 503 : 200,
    duration_ms: Math.round(
      20 + 15 * Math.sin(i / 500) + (i % 1000 === 0 ? 400 : Math.random() * 10),
    ),
    trace_id: randomUUID(),
  });
}

export function percentile(sorted: number[], p: number) {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

export interface Measured {
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Runs `total` operations over `workers` concurrent loops; latencies in ms. */
export async function measure(
  total: number,
  workers: number,
  op: (worker: number, i: number) => Promise<unknown>,
): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (next < total) {
        const i = next++;
        const t = process.hrtime.bigint();
        await op(worker, i);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: total / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}
