import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { streamsMetricsReadPermission, streamsPayloadReadPermission } from '@stacktalk/plugin-stream-viewer-common';
import Redis from 'ioredis';
import request from 'supertest';
import { StackTalkPermissionPolicy } from './StackTalkPermissionPolicy';
import { readLive, startStreamViewerBackend, streamResource } from './__testUtils__/streamViewerBackend';

const CLAIMS: Record<string, string[]> = {
  'user:default/ada.okafor': ['user:default/ada.okafor', 'group:default/platform', 'group:default/stacktalk'],
  'user:default/root': ['user:default/root', 'group:default/secrets-admins'],
  'user:default/nobody': [],
};
const policy = new StackTalkPermissionPolicy({
  secretsAdminGroups: ['group:default/secrets-admins'],
  productionEnvironments: ['production'],
  userInfo: { getUserInfo: async credentials => ({ userEntityRef: (credentials.principal as any).userEntityRef, ownershipEntityRefs: CLAIMS[(credentials.principal as any).userEntityRef] }) },
});
const as = (ref: string) => ({ credentials: mockCredentials.user(ref), info: { userEntityRef: ref, ownershipEntityRefs: CLAIMS[ref] } });

describe('stream permissions in the portal policy', () => {
  it('lets everyone see charts and rates', async () => {
    expect(await policy.handle({ permission: streamsMetricsReadPermission }, as('user:default/nobody'))).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("grants payloads on the condition that the user owns the stream's Resource", async () => {
    expect(await policy.handle({ permission: streamsPayloadReadPermission }, as('user:default/ada.okafor'))).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: { rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params: { claims: CLAIMS['user:default/ada.okafor'] } },
    });
  });

  it('gives payloads to secrets admins everywhere and to a user without groups nowhere', async () => {
    expect(await policy.handle({ permission: streamsPayloadReadPermission }, as('user:default/root'))).toEqual({ result: AuthorizeResult.ALLOW });
    expect(await policy.handle({ permission: streamsPayloadReadPermission }, as('user:default/nobody'))).toEqual({ result: AuthorizeResult.DENY });
  });
});

/**
 * The stream viewer's routes with this policy (real plugin, real HTTP, a real Redis Stream on
 * the node-svc machine): what a signed-in employee who owns nothing, and someone who can
 * register catalog YAML, can and cannot get.
 */
describe('stream viewer routes with the portal policy', () => {
  jest.setTimeout(60_000);
  const REDIS_URL = process.env.STACKTALK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const KEY = `stacktalk-test:${process.pid}:policy`;
  const ALICE = mockCredentials.user.header('user:default/alice'); // telemetry-team: owns the stream
  const BOB = mockCredentials.user.header('user:default/bob'); // voice-team: owns nothing of it
  const TRUSTED = 'url:https://git.example/stacktalk/catalog/blob/main/all.yaml';
  const telemetry = streamResource('telemetry', 'group:default/telemetry-team', {
    'stacktalk.io/redis-instance': 'cache',
    'stacktalk.io/redis-stream': KEY,
    'stacktalk.io/stream-fields': '$.latency_ms',
  });
  // Registered by Bob from his own repository, naming Alice's stream: he owns this entity.
  const intruder = streamResource(
    'my-telemetry-copy',
    'group:default/voice-team',
    { 'stacktalk.io/redis-instance': 'cache', 'stacktalk.io/redis-stream': KEY },
    'url:https://git.example/bob/scratch/blob/main/catalog-info.yaml',
  );
  const redisConfig = { instances: [{ name: 'cache', url: REDIS_URL }] };
  const live = (entity: string, query = '') => `/api/stream-viewer/streams/live?entityRef=resource:default/${entity}&window=60000${query}`;
  const redis = new Redis(REDIS_URL);
  let producing: NodeJS.Timeout;
  beforeAll(() => {
    // A user id whose characters a substring filter would extract one probe at a time.
    producing = setInterval(() => redis.xadd(KEY, '*', 'data', JSON.stringify({ latency_ms: 40 + Math.round(Math.random() * 5), user: 'u-7f3a9c' })), 50);
  });
  afterAll(async () => {
    clearInterval(producing);
    await redis.del(KEY);
    redis.disconnect();
  });

  it('refuses a filter to a user without streams.payload.read, saying who may; its owner filters', async () => {
    const server = await startStreamViewerBackend({ entities: [telemetry], streamViewer: { redis: redisConfig } });
    for (const start of ['', '&start=minutes:5']) {
      const probe = await readLive(server, live('telemetry', `&filter=${encodeURIComponent('$.user ~ "u-7"')}${start}`), BOB, () => true);
      probe.close();
      expect([probe.status, probe.body?.error?.name]).toEqual([403, 'NotAllowedError']);
      expect(probe.body.error.message).toMatch(/Filtering reads message contents.*streams\.payload\.read.*owners of resource:default\/telemetry \(group:default\/telemetry-team\)/);
    }
    const owner = await readLive(server, live('telemetry', `&filter=${encodeURIComponent('$.user ~ "u-7"')}`), ALICE, evs => evs.some(e => e.event === 'snapshot' && e.data.totals.matched > 0));
    owner.close();
    const snapshot = owner.events[owner.events.length - 1].data;
    expect(snapshot.series['$.latency_ms'].length).toBeGreaterThan(0);
    expect(snapshot.latest[0].value.user).toBe('u-7f3a9c');
  });

  it('gives a user without streams.payload.read rates but no field charts, latest values or field figures', async () => {
    const server = await startStreamViewerBackend({ entities: [telemetry], streamViewer: { redis: redisConfig } });
    const viewer = await readLive(server, live('telemetry'), BOB, evs => evs.some(e => e.event === 'snapshot' && e.data.rate.some(([, n]: number[]) => n > 0)));
    viewer.close();
    const snapshot = viewer.events[viewer.events.length - 1].data;
    expect(snapshot.series).toEqual({});
    expect(snapshot.latest).toBeUndefined();
    expect(JSON.stringify(viewer.events)).not.toContain('u-7f3a9c');
    const summary = await request(server).get('/api/stream-viewer/streams/summary?entityRef=resource:default/telemetry').set('Authorization', BOB);
    expect([summary.status, summary.body.streams[0].fields]).toEqual([200, {}]);
    const own = await request(server).get('/api/stream-viewer/streams/summary?entityRef=resource:default/telemetry').set('Authorization', ALICE);
    expect(own.body.streams[0].fields['$.latency_ms']).toMatchObject({ min: expect.any(Number), max: expect.any(Number) });
  });

  it('never serves a stream to a second entity claiming it: a conflict on both until config names one; a trusted location or a pinned claim decides', async () => {
    const contested = await startStreamViewerBackend({ entities: [telemetry, intruder], streamViewer: { redis: redisConfig } });
    for (const [entity, other] of [['my-telemetry-copy', 'telemetry'], ['telemetry', 'my-telemetry-copy']]) {
      const res = await readLive(contested, live(entity), BOB, () => true);
      res.close();
      expect([res.status, res.body.error.name]).toEqual([409, 'ConflictError']);
      expect(res.body.error.message).toContain(`is also claimed by resource:default/${other}`);
      expect(res.body.error.message).toContain('streamViewer.redis.instances[cache].claims');
      const list = await request(contested).get(`/api/stream-viewer/streams?entityRef=resource:default/${entity}`).set('Authorization', BOB);
      expect(list.body.streams[0].problem).toContain(`is also claimed by resource:default/${other}`);
    }
    // Only entities from trusted locations claim: Alice's Resource is served, Bob's is told why not.
    const trusted = await startStreamViewerBackend({ entities: [telemetry, intruder], streamViewer: { redis: redisConfig, trustedLocations: [TRUSTED] } });
    const bobs = await readLive(trusted, live('my-telemetry-copy', `&filter=${encodeURIComponent('$.user ~ "u"')}`), BOB, () => true);
    bobs.close();
    expect([bobs.status, bobs.body.error.message]).toEqual([409, expect.stringContaining('is not one of streamViewer.trustedLocations')]);
    const alices = await readLive(trusted, live('telemetry'), ALICE, evs => evs.some(e => e.event === 'snapshot'));
    alices.close();
    expect(alices.status).toBe(200);
    // A claim pinned in config wins over everything else.
    const pinned = await startStreamViewerBackend({
      entities: [telemetry, intruder],
      streamViewer: { redis: { instances: [{ ...redisConfig.instances[0], claims: [{ stream: KEY, entity: 'resource:default/telemetry' }] }] } },
    });
    const refused = await readLive(pinned, live('my-telemetry-copy'), BOB, () => true);
    refused.close();
    expect([refused.status, refused.body.error.message]).toEqual([409, expect.stringContaining('belongs to resource:default/telemetry')]);
    const served = await readLive(pinned, live('telemetry'), ALICE, evs => evs.some(e => e.event === 'snapshot'));
    served.close();
    expect(served.status).toBe(200);
  });

  it('answers a bad stream-fields annotation with a 400 saying what to fix, and starts no reader for it', async () => {
    const key = `${KEY}:bad-fields`;
    const bad = streamResource('bad-fields', 'group:default/telemetry-team', {
      'stacktalk.io/redis-instance': 'cache',
      'stacktalk.io/redis-stream': key,
      'stacktalk.io/stream-fields': '$.ok,latency_ms',
    });
    const server = await startStreamViewerBackend({ entities: [bad], streamViewer: { redis: redisConfig } });
    const res = await readLive(server, live('bad-fields'), ALICE, () => true);
    res.close();
    expect([res.status, res.body.error.name]).toEqual([400, 'InputError']);
    expect(res.body.error.message).toMatch(/stacktalk\.io\/stream-fields annotation is not valid: JSON path "latency_ms" must start with \$/);
    const list = await request(server).get('/api/stream-viewer/streams?entityRef=resource:default/bad-fields').set('Authorization', ALICE);
    expect(list.body.streams[0].problem).toContain('stream-fields annotation is not valid');
    await new Promise(r => setTimeout(r, 300));
    expect(String(await redis.client('LIST'))).not.toContain(`name=stacktalk-stream-viewer:${key} `);
  });

  it('caps live views per user and in all, with 429 and the reason, and counts a closed view out', async () => {
    const server = await startStreamViewerBackend({ entities: [telemetry], streamViewer: { redis: redisConfig, limits: { subscriptionsPerUser: 2, subscriptions: 3 } } });
    const open = (auth: string) => readLive(server, live('telemetry'), auth, evs => evs.length >= 1);
    const [a1, a2] = [await open(ALICE), await open(ALICE)];
    const a3 = await open(ALICE);
    expect([a1.status, a2.status, a3.status, a3.body?.error?.message]).toEqual([200, 200, 429, expect.stringContaining('streamViewer.limits.subscriptionsPerUser')]);
    const b1 = await open(BOB);
    const b2 = await open(BOB);
    expect([b1.status, b2.status, b2.body?.response]).toEqual([200, 429, { statusCode: 429 }]);
    expect(b2.body.error.message).toContain('streamViewer.limits.subscriptions)');
    a1.close();
    await new Promise(r => setTimeout(r, 200));
    const b3 = await open(BOB);
    expect(b3.status).toBe(200);
    [a2, b1, b3].forEach(v => v.close());
  });
});
