import { startTransition, useEffect, useRef, useState } from 'react';
import { ResponseError } from '@backstage/errors';
import type { StreamViewerApi } from '../api/StreamViewerClient';
import type { LiveParams, Snapshot } from '../api/types';

export interface LiveState {
  /** The snapshot on screen (frozen while paused). */
  snapshot?: Snapshot;
  /** A 4xx answer (bad filter, start position, permission): not retried. */
  error?: Error;
  /** The connection to the portal dropped; retrying with backoff. */
  retrying?: { attempt: number; reason: string; inMs: number };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * The live snapshots of one stream. Reconnects by itself with backoff (0.5 s doubling to 10 s)
 * when the connection to the portal drops; a 4xx answer is shown, not retried. While `paused`
 * the connection stays open but what is on screen does not change; resuming shows the newest.
 */
export function useLiveStream(
  api: StreamViewerApi,
  streamRef: string,
  params: LiveParams,
  paused: boolean,
): LiveState {
  const [state, setState] = useState<LiveState>({});
  const newest = useRef<Snapshot>();
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const { windowMs, filter, start } = params;

  useEffect(() => {
    const controller = new AbortController();
    newest.current = undefined;
    setState({});
    const retries = { attempt: 0 };
    const onSnapshot = (s: Snapshot) => {
      retries.attempt = 0;
      newest.current = s;
      // A transition: React renders the charts in slices and yields to the browser in between,
      // so one snapshot never blocks a frame for the time all charts take to draw.
      if (!pausedRef.current) startTransition(() => setState({ snapshot: s }));
    };
    (async () => {
      while (!controller.signal.aborted) {
        let reason = 'the portal closed the connection';
        try {
          await api.live(
            streamRef,
            { windowMs, filter, start },
            { onSnapshot },
            controller.signal,
          );
        } catch (error) {
          if (controller.signal.aborted) return;
          if (error instanceof ResponseError && error.statusCode < 500) {
            // The backend's own sentence ("Malformed filter: …"), not "Request failed with 400".
            setState({
              error: new Error(error.body?.error?.message ?? error.message),
            });
            return;
          }
          reason = (error as Error).message;
        }
        if (controller.signal.aborted) return;
        const attempt = ++retries.attempt;
        const inMs = Math.min(10_000, 500 * 2 ** (attempt - 1));
        const retrying = { attempt, reason, inMs };
        setState(previous => ({ ...previous, retrying }));
        await sleep(inMs, controller.signal);
      }
    })();
    return () => controller.abort();
  }, [api, streamRef, windowMs, filter, start]);

  useEffect(() => {
    if (!paused && newest.current)
      setState(previous => ({ ...previous, snapshot: newest.current }));
  }, [paused]);

  // The snapshot on screen when Pause was pressed stays, even if a snapshot rendered as a
  // transition was still pending then (the urgent pause render does not include it).
  const frozen = useRef<Snapshot>();
  if (!paused) frozen.current = undefined;
  else if (!frozen.current) frozen.current = state.snapshot;
  return paused ? { ...state, snapshot: frozen.current } : state;
}
