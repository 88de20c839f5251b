import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import type { StreamViewerApi } from '../api/StreamViewerClient';
import type { Snapshot, StreamDescriptor, StreamsResponse } from '../api/types';
import { StreamsPanel } from './StreamsTab';

const stream = (over: Partial<StreamDescriptor> = {}): StreamDescriptor => ({
  entityRef: 'resource:default/api-latency',
  title: 'API latency',
  transport: 'kafka',
  server: 'stacktalk-main',
  name: 'stacktalk.metrics.api-latency',
  fields: ['$.latency_ms'],
  configured: true,
  payload: true,
  ...over,
});

const snapshot = (at: number, over: Partial<Snapshot> = {}): Snapshot => ({
  connection: { state: 'live', since: at - 5000 },
  at,
  series: {
    '$.latency_ms': [
      [at - 2000, 12],
      [at - 1000, 40],
    ],
  },
  rate: [
    [at - 2000, 3],
    [at - 1000, 5],
  ],
  ratePerPartition: { '0': [[at - 1000, 2]], '1': [[at - 1000, 3]] },
  totals: { messages: 8, decodeFailures: 1, matched: 8 },
  coverage: { from: at - 300_000, exact: true },
  latest: [
    {
      id: '1:41',
      partition: 1,
      timestamp: at - 1000,
      size: 40,
      kind: 'json',
      value: { latency_ms: 40, route: '/api/v1/reports' },
    },
  ],
  ...over,
});

/** A fake backend: `push` sends a snapshot to the open live view. */
function fakeApi(
  response: StreamsResponse,
  live?: (params: any) => Promise<void> | void,
) {
  let push: (s: Snapshot) => void = () => {};
  const api: StreamViewerApi = {
    streams: async () => response,
    info: async () => ({
      transport: 'kafka',
      partitions: [{ partition: 0, low: '0', high: '120' }],
      groups: [
        {
          groupId: 'stacktalk-metrics-aggregator',
          lag: 7,
          partitions: [{ partition: 0, committed: '113', lag: 7 }],
        },
      ],
    }),
    live: (_ref, params, handlers, signal) => {
      push = handlers.onSnapshot;
      return Promise.resolve(live?.(params)).then(
        () =>
          new Promise<void>(resolve =>
            signal.addEventListener('abort', () => resolve()),
          ),
      );
    },
  };
  return { api, push: (s: Snapshot) => act(() => push(s)) };
}

const configured = { kafka: ['stacktalk-main'], redis: ['stacktalk-cache'] };

/** The panel of one stream, connected to a fake backend: returns what pushes snapshots. */
async function openLive(descriptor = stream()) {
  const { api, push } = fakeApi({
    streams: [descriptor],
    access: { metrics: true },
    configured,
  });
  await renderInTestApp(
    <StreamsPanel api={api} entityRef="component:default/x" />,
  );
  await screen.findByLabelText('Connection: connecting');
  return push;
}

describe('the Streams tab', () => {
  it('explains what to add when the entity has no streams', async () => {
    const { api } = fakeApi({
      streams: [],
      access: { metrics: true },
      configured,
    });
    await renderInTestApp(
      <StreamsPanel api={api} entityRef="component:default/x" />,
    );
    expect(
      await screen.findByText(
        'No Kafka topics or Redis Streams for this entity',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /configured now: Kafka stacktalk-main, Redis stacktalk-cache/,
      ),
    ).toBeInTheDocument();
  });

  it('names the missing cluster and config key of an unconfigured stream', async () => {
    const { api } = fakeApi({
      streams: [stream({ configured: false, server: 'nowhere' })],
      access: { metrics: true },
      configured,
    });
    await renderInTestApp(
      <StreamsPanel api={api} entityRef="component:default/x" />,
    );
    expect(
      await screen.findByText(
        /Kafka cluster "nowhere" of resource:default\/api-latency is not configured/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('streamViewer.kafka.clusters')).toBeInTheDocument();
  });

  it('shows charts, the connection, the latest messages, and freezes them while paused', async () => {
    const push = await openLive();
    push(snapshot(1_000_000));
    expect(screen.getByLabelText('Connection: live')).toBeInTheDocument();
    const chart = screen.getByLabelText('$.latency_ms');
    expect(chart).toHaveAttribute('data-points', '2');
    expect(
      screen.getByLabelText('Messages per second by partition'),
    ).toHaveAttribute('data-points', '2');
    expect(
      screen.getByRole('table', { name: 'Latest messages' }),
    ).toHaveTextContent('/api/v1/reports');
    expect(screen.getByText(/1 undecodable/)).toBeInTheDocument();
    // Expanding a row shows the whole payload, pretty-printed.
    fireEvent.click(screen.getByLabelText('Expand 1:41'));
    expect(screen.getByLabelText('Payload of 1:41').textContent).toContain(
      '"latency_ms": 40',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    push(
      snapshot(2_000_000, {
        series: {
          '$.latency_ms': [
            [1_999_000, 1],
            [1_999_500, 2],
            [1_999_900, 3],
          ],
        },
      }),
    );
    expect(screen.getByLabelText('$.latency_ms')).toHaveAttribute(
      'data-last-at',
      '1000000',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() =>
      expect(screen.getByLabelText('$.latency_ms')).toHaveAttribute(
        'data-last-at',
        '2000000',
      ),
    );
    expect(screen.getByLabelText('$.latency_ms')).toHaveAttribute(
      'data-points',
      '3',
    );
    expect(
      await screen.findByText('stacktalk-metrics-aggregator'),
    ).toBeInTheDocument(); // consumer-group lag
  });

  it('shows rates but no messages, field charts or filter box without payload permission, and says who may', async () => {
    const push = await openLive(stream({ payload: false }));
    push(snapshot(1_000_000, { latest: undefined, series: {} }));
    expect(
      screen.getByText(
        /You can see the rates of this stream but not its messages: only the owners of resource:default\/api-latency see them/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Filters and field charts read message contents: only the owners of resource:default\/api-latency may use them/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Filter')).toBeNull();
    expect(screen.queryByText(/No numeric fields to chart/)).toBeNull();
    expect(screen.queryByRole('table', { name: 'Latest messages' })).toBeNull();
  });

  it('shows why a stream is not served (a conflicting claim) instead of its charts', async () => {
    const { api } = fakeApi({
      streams: [
        stream({
          problem:
            'Kafka topic "stacktalk.metrics.api-latency" on stacktalk-main is also claimed by resource:default/other',
        }),
      ],
      access: { metrics: true },
      configured,
    });
    await renderInTestApp(
      <StreamsPanel api={api} entityRef="component:default/x" />,
    );
    expect(
      await screen.findByText(/is also claimed by resource:default\/other/),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText(/^Connection/)).toBeNull();
  });

  it('shows how far a filter opened on a full buffer has got', async () => {
    const push = await openLive();
    push(snapshot(1_000_000, { filtering: { tested: 50_000, of: 200_000 } }));
    expect(
      screen.getByText(
        /Testing the filter on the messages the server keeps… 50,000 of 200,000/,
      ),
    ).toBeInTheDocument();
  });

  it('says from when the history is complete when the server no longer had the start of it', async () => {
    const push = await openLive();
    const at = Date.UTC(2026, 11, 2, 9, 30, 0);
    const complete =
      /^Complete from .*: the server no longer had older messages/;
    push(snapshot(at, { backfill: { state: 'done', loaded: 900 } }));
    expect(screen.queryByText(complete)).toBeNull();
    push(
      snapshot(at + 100, {
        backfill: { state: 'done', loaded: 900 },
        coverage: { from: at - 60_000, exact: true },
      }),
    );
    expect(screen.getByText(complete)).toBeInTheDocument();
  });

  it('says rates are being counted until the first whole second after the reader started', async () => {
    const push = await openLive();
    const at = Date.UTC(2026, 11, 2, 9, 30, 0);
    const empty = { rate: [], ratePerPartition: undefined };
    push(snapshot(at, { ...empty, coverage: { from: at - 600, exact: true } }));
    expect(
      screen.getByText(
        'Counting: rates start with the first whole second read',
      ),
    ).toBeInTheDocument();
    push(snapshot(at + 100, empty));
    expect(screen.getByText('No messages in this window')).toBeInTheDocument();
    push(
      snapshot(at + 200, {
        ...empty,
        connection: { state: 'reconnecting', reason: 'down', since: at },
      }),
    );
    expect(
      screen.getByText('No rates until the server answers: nothing read yet'),
    ).toBeInTheDocument();
    push(
      snapshot(at + 300, {
        ...empty,
        connection: { state: 'reconnecting', reason: 'down', since: at },
        backfill: { state: 'loading', loaded: 0 },
      }),
    );
    expect(
      screen.getByText('History is read once the server answers'),
    ).toBeInTheDocument();
  });

  it('says it is reconnecting when the portal connection drops, and live again once data flows', async () => {
    // The first connection delivers a snapshot, then its replica dies (the body read fails);
    // the next connection (through the load balancer: another replica) delivers again.
    const handlers: Array<(s: Snapshot) => void> = [];
    let drop: (error: Error) => void = () => {};
    const api: StreamViewerApi = {
      streams: async () => ({ streams: [stream()], access: { metrics: true }, configured }),
      info: async () => ({ transport: 'kafka', partitions: [], groups: [] }),
      live: (_ref, _params, h, signal) => {
        handlers.push(h.onSnapshot);
        return new Promise<void>((resolve, reject) => {
          drop = reject;
          signal.addEventListener('abort', () => resolve());
        });
      },
    };
    await renderInTestApp(
      <StreamsPanel api={api} entityRef="component:default/x" />,
    );
    await screen.findByLabelText('Connection: connecting');
    const at = Date.now();
    act(() => handlers[0](snapshot(at)));
    expect(await screen.findByLabelText('Connection: live')).toBeInTheDocument();
    act(() => drop(new TypeError('network error')));
    const chip = await screen.findByLabelText(
      'Connection: reconnecting to the portal',
    );
    expect(chip).toHaveTextContent(
      'Portal connection lost: reconnecting… (attempt 1)',
    );
    expect(screen.queryByLabelText('Connection: live')).toBeNull();
    await waitFor(() => expect(handlers).toHaveLength(2), { timeout: 5000 });
    act(() => handlers[1](snapshot(at + 2000)));
    expect(await screen.findByLabelText('Connection: live')).toBeInTheDocument();
    expect(
      screen.queryByLabelText('Connection: reconnecting to the portal'),
    ).toBeNull();
  });

  it('shows why the backend refused a filter, under the filter', async () => {
    const message =
      'Malformed filter: "status > 5" is not a clause like $.field >= 10';
    const refuse = async (params: any) => {
      if (params.filter) {
        // What ResponseError.fromResponse makes of the backend's 400 (its constructor is private in the types).
        throw new (ResponseError as any)({
          message: 'Request failed with 400 Bad Request',
          response: { status: 400 } as any,
          data: {
            error: { name: 'InputError', message },
            response: { statusCode: 400 },
          },
          cause: new Error(message),
          statusCode: 400,
          statusText: 'Bad Request',
        });
      }
    };
    const { api } = fakeApi(
      { streams: [stream()], access: { metrics: true }, configured },
      refuse,
    );
    await renderInTestApp(
      <StreamsPanel api={api} entityRef="component:default/x" />,
    );
    fireEvent.change(await screen.findByLabelText('Filter'), {
      target: { value: 'status > 5' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(
      await screen.findByText(/Malformed filter: "status > 5" is not a clause/),
    ).toBeInTheDocument();
  });
});
