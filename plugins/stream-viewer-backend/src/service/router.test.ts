import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import request from 'supertest';
import streamViewerPlugin from '../index';

jest.setTimeout(60_000);

const REDIS_URL =
  process.env.STACKTALK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = `stacktalk-test:${process.pid}:routes`;
const resource = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, annotations },
  spec: { type: 'redis-stream', owner: 'group:default/voice' },
});
const ENTITIES: Entity[] = [
  resource('api-latency', {
    'stacktalk.io/redis-instance': 'cache',
    'stacktalk.io/redis-stream': KEY,
    'stacktalk.io/stream-fields': '$.latency_ms',
    'stacktalk.io/stream-timestamp-field': '$.ts',
  }),
  resource('down', {
    'stacktalk.io/redis-instance': 'down',
    'stacktalk.io/redis-stream': KEY,
  }),
  resource('elsewhere', {
    'stacktalk.io/kafka-cluster': 'not-configured',
    'stacktalk.io/kafka-topic': 'x',
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'gateway' },
    spec: {
      type: 'service',
      owner: 'group:default/voice',
      lifecycle: 'production',
    },
    relations: [
      { type: 'dependsOn', targetRef: 'resource:default/api-latency' },
    ],
  },
];
const ADA = mockCredentials.user.header('user:default/ada.okafor');
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await redis.del(KEY);
  redis.disconnect();
});

/** `payload-denied`: charts allowed, `streams.payload.read` denied (as the portal policy does for non-owners). */
async function start(
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY | 'payload-denied',
) {
  let permissions;
  if (permission === 'payload-denied') {
    permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result:
            r.permission.name === 'streams.payload.read'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
    }).factory;
  } else if (permission) {
    permissions = mockServices.permissions.factory({ result: permission });
  }
  const { server } = await startTestBackend({
    features: [
      streamViewerPlugin,
      catalogServiceMock.factory({ entities: ENTITIES }),
      mockServices.rootConfig.factory({
        data: {
          streamViewer: {
            redis: {
              instances: [
                { name: 'cache', url: REDIS_URL },
                // Nothing listens on port 1: an instance that is down.
                { name: 'down', url: 'redis://127.0.0.1:1' },
              ],
            },
          },
        },
      }),
      ...(permissions ? [permissions] : []),
    ],
  });
  return server;
}

/** Reads server-sent events until `count` snapshots arrived, then closes the connection. */
function readEvents(
  server: any,
  path: string,
  until: (events: Array<{ event: string; data: any }>) => boolean,
) {
  return new Promise<Array<{ event: string; data: any }>>((resolve, reject) => {
    const port = (server.address() as AddressInfo).port;
    const req = httpRequest(
      { port, path, headers: { Authorization: ADA } },
      res => {
        const events: Array<{ event: string; data: any }> = [];
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          buffer += chunk;
          for (
            let end = buffer.indexOf('\n\n');
            end >= 0;
            end = buffer.indexOf('\n\n')
          ) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]);
            events.push({ event, data });
            if (until(events)) {
              req.destroy();
              resolve(events);
            }
          }
        });
      },
    );
    req.on('error', e =>
      e.message.includes('socket hang up') ? undefined : reject(e),
    );
    req.end();
  });
}

describe('stream viewer routes', () => {
  it("lists a component's streams through its dependsOn resources", async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/stream-viewer/streams')
      .query({ entityRef: 'component:default/gateway' })
      .set('Authorization', ADA);
    expect(res.body.streams).toEqual([
      {
        entityRef: 'resource:default/api-latency',
        title: 'api-latency',
        transport: 'redis',
        server: 'cache',
        name: KEY,
        fields: ['$.latency_ms'],
        timestampField: '$.ts',
        configured: true,
        payload: true,
      },
    ]);
    expect(res.body.access).toEqual({ metrics: true });
  });

  it('streams snapshots of a live Redis stream over server-sent events', async () => {
    const server = await start();
    const adding = setInterval(
      () =>
        redis.xadd(
          KEY,
          '*',
          'data',
          JSON.stringify({ ts: Date.now(), latency_ms: 42 }),
        ),
      50,
    );
    const events = await readEvents(
      server,
      `/api/stream-viewer/streams/live?entityRef=resource:default/api-latency&window=60000`,
      evs =>
        evs.some(e => e.event === 'snapshot' && e.data.totals.messages >= 3),
    );
    clearInterval(adding);
    expect(events[0]).toMatchObject({
      event: 'stream',
      data: { name: KEY, transport: 'redis' },
    });
    const last = events[events.length - 1].data;
    expect(last.connection.state).toBe('live');
    expect(
      last.series['$.latency_ms'].every(([, v]: number[]) => v === 42),
    ).toBe(true);
    expect(last.latest[0]).toMatchObject({
      kind: 'json',
      value: { latency_ms: 42 },
    });
  });

  it('reports the stream length, consumer groups and pending entries (XINFO)', async () => {
    const server = await start();
    await redis.xadd(KEY, '*', 'data', '{"latency_ms":1}');
    await redis
      .xgroup('CREATE', KEY, 'orchestrator', '0')
      .catch(() => undefined);
    await redis.xreadgroup(
      'GROUP',
      'orchestrator',
      'worker-1',
      'COUNT',
      2,
      'STREAMS',
      KEY,
      '>',
    );
    const info = await request(server)
      .get('/api/stream-viewer/streams/info')
      .query({ entityRef: 'resource:default/api-latency' })
      .set('Authorization', ADA);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      transport: 'redis',
      length: await redis.xlen(KEY),
      groups: [{ name: 'orchestrator', consumers: 1, pending: 2 }],
    });
    const missing = await request(server)
      .get('/api/stream-viewer/streams/info')
      .query({ entityRef: 'resource:default/elsewhere' })
      .set('Authorization', ADA);
    expect(missing.status).toBe(404);
    // A server that is down: 503 in Backstage's error body, which clients read the reason from.
    const down = await request(server)
      .get('/api/stream-viewer/streams/info')
      .query({ entityRef: 'resource:default/down' })
      .set('Authorization', ADA);
    expect([down.status, down.body.response, down.body.error.name]).toEqual([
      503,
      { statusCode: 503 },
      'ServiceUnavailableError',
    ]);
    expect(down.body.error.message).toMatch(
      /^down is unreachable: .*ECONNREFUSED/,
    );
  });

  it('answers bad input and unknown names with 4xx that say why', async () => {
    const server = await start();
    const get = (q: string) =>
      request(server)
        .get(`/api/stream-viewer/streams/live?${q}`)
        .set('Authorization', ADA);
    const unknownCluster = await get('entityRef=resource:default/elsewhere');
    expect([unknownCluster.status, unknownCluster.body.error.message]).toEqual([
      404,
      expect.stringContaining('Unknown Kafka cluster "not-configured"'),
    ]);
    expect(
      (await get('entityRef=resource:default/nope')).body.error.message,
    ).toBe('No entity resource:default/nope in the catalog');
    expect((await get('entityRef=component:default/gateway')).status).toBe(404);
    const badFilter = await get(
      `entityRef=resource:default/api-latency&filter=${encodeURIComponent(
        '$.latency_ms >>= 3',
      )}`,
    );
    expect([badFilter.status, badFilter.body.error.message]).toEqual([
      400,
      expect.stringContaining('Malformed filter'),
    ]);
    expect(
      (await get('entityRef=resource:default/api-latency&window=7')).status,
    ).toBe(400);
    for (const [startAt, message] of [
      ['minutes:90', 'takes N from 1 to 60'],
      ['offset:0:15', 'is for Kafka topics'],
      ['yesterday', 'start must be now, minutes:N'],
    ]) {
      const bad = await get(
        `entityRef=resource:default/api-latency&start=${encodeURIComponent(
          startAt,
        )}`,
      );
      expect([bad.status, bad.body.error.message]).toEqual([
        400,
        expect.stringContaining(message),
      ]);
    }
  });

  it('answers 401 without credentials and 403 without permission', async () => {
    const denied = await start(AuthorizeResult.DENY);
    for (const path of [
      '/api/stream-viewer/streams?entityRef=resource:default/api-latency',
      '/api/stream-viewer/streams/live?entityRef=resource:default/api-latency',
    ]) {
      expect(
        (
          await request(denied)
            .get(path)
            .set('Authorization', mockCredentials.none.header())
        ).status,
      ).toBe(401);
      expect(
        (await request(denied).get(path).set('Authorization', ADA)).status,
      ).toBe(403);
    }
  });

  it('shows rates but never message contents or values read from them to a user without streams.payload.read on the stream', async () => {
    const server = await start('payload-denied');
    const list = await request(server)
      .get('/api/stream-viewer/streams')
      .query({ entityRef: 'component:default/gateway' })
      .set('Authorization', ADA);
    expect(list.body.streams[0].payload).toBe(false);
    await redis.xadd(
      KEY,
      '*',
      'data',
      JSON.stringify({ ts: Date.now(), latency_ms: 7, user: 'secret-user-id' }),
    );
    const events = await readEvents(
      server,
      `/api/stream-viewer/streams/live?entityRef=resource:default/api-latency&window=60000&start=minutes:1`,
      evs =>
        evs.some(e => e.event === 'snapshot' && e.data.totals.matched >= 1),
    );
    const snapshot = events.find(
      e => e.event === 'snapshot' && e.data.totals.matched >= 1,
    )!.data;
    // Rates and counts, but no field charts: their values are read from the contents.
    expect(snapshot.rate.length).toBeGreaterThan(0);
    expect(snapshot.series).toEqual({});
    expect(snapshot.latest).toBeUndefined();
    expect(JSON.stringify(events)).not.toContain('secret-user-id');
  });

  it("summarises the last 5 minutes of an entity's streams for reports (service principals too)", async () => {
    const server = await start();
    for (let i = 0; i < 30; i++)
      await redis.xadd(
        KEY,
        '*',
        'data',
        JSON.stringify({ ts: Date.now(), latency_ms: 100 + i }),
      );
    for (const auth of [mockCredentials.service.header(), ADA]) {
      const res = await request(server)
        .get('/api/stream-viewer/streams/summary')
        .query({ entityRef: 'component:default/gateway' })
        .set('Authorization', auth);
      expect(res.status).toBe(200);
      const [summary] = res.body.streams;
      expect(summary).toMatchObject({
        stream: { entityRef: 'resource:default/api-latency' },
        connection: { state: 'live' },
        windowMs: 300_000,
      });
      expect(summary.messages).toBeGreaterThanOrEqual(30);
      expect(summary.fields['$.latency_ms']).toMatchObject({
        max: expect.any(Number),
        last: 129,
      });
      expect(summary.fields['$.latency_ms'].max).toBeGreaterThanOrEqual(129);
    }
    expect(
      (
        await request(server)
          .get('/api/stream-viewer/streams/summary')
          .query({ entityRef: 'component:default/gateway' })
          .set('Authorization', mockCredentials.none.header())
      ).status,
    ).toBe(401);
  });
});
