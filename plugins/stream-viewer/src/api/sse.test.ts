import { createSseParser, type SseEvent } from './sse';

describe('the server-sent events parser', () => {
  it('joins events split across chunks and splits chunks holding several, skipping comments', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser(e => events.push(e));
    parser.feed('event: stream\ndata: {"name":"a"}\n\nevent: snap');
    expect(events).toEqual([{ event: 'stream', data: '{"name":"a"}' }]);
    parser.feed(
      'shot\ndata: {"at":1}\n\n: keep-alive\n\nevent: snapshot\r\ndata: {"at":2}\r\n\r\ndata: x\ndata: y\n\n',
    );
    expect(events).toEqual([
      { event: 'stream', data: '{"name":"a"}' },
      { event: 'snapshot', data: '{"at":1}' },
      { event: 'snapshot', data: '{"at":2}' },
      { event: 'message', data: 'x\ny' },
    ]);
  });
});
