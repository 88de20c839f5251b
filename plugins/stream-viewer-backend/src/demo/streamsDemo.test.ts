import {
  getAtPath,
  parseJsonPath,
} from '@stacktalk/plugin-stream-viewer-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- the demo lives in examples/, outside the workspaces
import {
  catalogStreams,
  demoMessage,
} from '../../../../examples/streams-demo/producer';

// The demo producer of examples/streams-demo (run by scripts/e2e.sh and `npm run demo:streams`).
describe('the streams demo', () => {
  const streams = catalogStreams();

  it('finds every Kafka topic and Redis stream of the example catalog, with the components that read them', () => {
    const names = streams.map(s => `${s.transport}:${s.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'kafka:stacktalk.telemetry.raw',
        'kafka:brand_signals',
        'redis:stacktalk:edge:access',
        'redis:events:voice_transcript',
      ]),
    );
    expect(streams.find(s => s.name === 'stacktalk:edge:access')).toMatchObject(
      {
        fields: ['$.duration_ms', '$.bytes_sent'],
        timestampField: '$.ts',
        consumers: ['stacktalk-edge-nginx'],
      },
    );
  });

  it("publishes each stream's charted fields as numbers and its event time in the timestamp field", () => {
    const state = new Map<string, number>();
    const now = Date.now();
    for (const stream of streams) {
      const messages = Array.from({ length: 200 }, () =>
        demoMessage(stream, now, state),
      ).filter((m): m is string => typeof m === 'string');
      expect(messages.length).toBeGreaterThan(150);
      for (const text of messages.slice(0, 20)) {
        const value = JSON.parse(text);
        for (const field of stream.fields)
          expect(typeof getAtPath(value, parseJsonPath(field))).toBe('number');
        // Every stream of the catalog names its event time ($.ts epoch ms, or an ISO *_at).
        const ts = getAtPath(
          value,
          parseJsonPath(stream.timestampField ?? '$'),
        );
        expect(typeof ts === 'number' ? ts : Date.parse(String(ts))).toBe(now);
      }
    }
    // Mostly 200, some errors, and now and then a message that is not even text (counted as undecodable).
    const sent = Array.from({ length: 5000 }, () =>
      demoMessage(
        { transport: 'kafka', name: 't', fields: ['$.status'], consumers: [] },
        now,
        state,
      ),
    );
    const statuses = sent
      .filter((m): m is string => typeof m === 'string')
      .map(m => JSON.parse(m).status);
    expect(statuses.filter(s => s === 200).length).toBeGreaterThan(4000);
    expect(statuses.some(s => s === 503)).toBe(true);
  });
});
