import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { createSseParser } from './sse';
import type {
  LiveParams,
  Snapshot,
  StreamDescriptor,
  StreamInfo,
  StreamsResponse,
} from './types';

/** What the live view is told: the stream's descriptor once, then every snapshot. */
export interface LiveHandlers {
  onStream?(s: StreamDescriptor): void;
  onSnapshot(s: Snapshot): void;
}

export interface StreamViewerApi {
  streams(entityRef: string): Promise<StreamsResponse>;
  info(streamRef: string): Promise<StreamInfo>;
  /**
   * Opens the live view of a stream and calls `onSnapshot` for each snapshot until `signal`
   * aborts or the connection ends (the promise resolves then). Rejects with a ResponseError
   * (e.g. 400 for a malformed filter) before anything streams.
   */
  live(
    streamRef: string,
    params: LiveParams,
    handlers: LiveHandlers,
    signal: AbortSignal,
  ): Promise<void>;
}

export const streamViewerApiRef = createApiRef<StreamViewerApi>().with({
  id: 'plugin.stream-viewer.api',
});

export class StreamViewerClient implements StreamViewerApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  private async call(path: string, init: RequestInit = {}) {
    const base = await this.deps.discoveryApi.getBaseUrl('stream-viewer');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`, init);
    if (!response.ok) {
      // Shown as the server's reason ("stacktalk-cache is unreachable: …"), not "Request failed with 503 Service Unavailable".
      const error = await ResponseError.fromResponse(response);
      error.message = error.cause.message || error.message;
      throw error;
    }
    return response;
  }

  async streams(entityRef: string): Promise<StreamsResponse> {
    return (
      await this.call(`/streams?entityRef=${encodeURIComponent(entityRef)}`)
    ).json();
  }

  async info(streamRef: string): Promise<StreamInfo> {
    return (
      await this.call(
        `/streams/info?entityRef=${encodeURIComponent(streamRef)}`,
      )
    ).json();
  }

  // EventSource cannot send the Authorization header: fetch and read the body as it arrives.
  async live(
    streamRef: string,
    params: LiveParams,
    handlers: LiveHandlers,
    signal: AbortSignal,
  ) {
    const query = new URLSearchParams({
      entityRef: streamRef,
      window: String(params.windowMs),
      start: params.start,
    });
    if (params.filter?.trim()) query.set('filter', params.filter.trim());
    const response = await this.call(`/streams/live?${query}`, {
      signal,
      headers: { Accept: 'text/event-stream' },
    });
    const reader = response
      .body!.pipeThrough(new TextDecoderStream())
      .getReader();
    const parser = createSseParser(({ event, data }) => {
      if (event === 'snapshot') handlers.onSnapshot(JSON.parse(data));
      else if (event === 'stream') handlers.onStream?.(JSON.parse(data));
    });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(value);
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
  }
}
