/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * An incremental `text/event-stream` parser: feed it decoded chunks as they arrive (an event
 * may be split across chunks, a chunk may hold several events); comments (`: keep-alive`) are
 * skipped; `data` lines of one event are joined with newlines.
 */
export function createSseParser(onEvent: (event: SseEvent) => void) {
  let buffer = '';
  return {
    feed(chunk: string) {
      buffer += chunk.replace(/\r\n?/g, '\n');
      for (
        let end = buffer.indexOf('\n\n');
        end >= 0;
        end = buffer.indexOf('\n\n')
      ) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line === '' || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value =
            colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
        if (data.length) onEvent({ event, data: data.join('\n') });
      }
    },
  };
}
