import { SignalClient } from '@backstage/plugin-signals';
import { createSignalApi, SIGNALS_CONNECT_TIMEOUT_MS } from '.';

/** A socket that takes 1.5 s to open, as one does to a backend busy just after its start. */
class SlowSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  static opened: SlowSocket[] = [];
  readyState = SlowSocket.CONNECTING;
  sent: string[] = [];
  onmessage?: unknown;
  onerror?: unknown;
  onclose?: unknown;
  constructor() {
    SlowSocket.opened.push(this);
    setTimeout(() => {
      if (this.readyState === SlowSocket.CONNECTING) this.readyState = SlowSocket.OPEN;
    }, 1500);
  }
  send(message: string) {
    this.sent.push(message);
  }
  close() {
    this.readyState = SlowSocket.CLOSED;
  }
}

const deps = {
  identity: { getCredentials: async () => ({ token: 'user-token' }) } as any,
  discoveryApi: { getBaseUrl: async () => 'http://localhost:7007/api/signals' },
};
const subscribe = JSON.stringify({ action: 'subscribe', channel: 'ci-status:stacktalk/edge' });
const realWebSocket = globalThis.WebSocket;

describe('the signals API', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    SlowSocket.opened = [];
    (globalThis as any).WebSocket = SlowSocket;
  });
  afterEach(() => {
    jest.clearAllTimers(); // the default client's pending reconnect
    jest.useRealTimers();
    (globalThis as any).WebSocket = realWebSocket;
  });

  it('subscribes on a socket that takes 1.5 s to open', async () => {
    expect(SIGNALS_CONNECT_TIMEOUT_MS).toBeGreaterThan(1500);
    const api = createSignalApi(deps);
    const { unsubscribe } = api.subscribe('ci-status:stacktalk/edge', () => {});
    await jest.advanceTimersByTimeAsync(3000);
    expect(SlowSocket.opened[0].sent).toEqual([subscribe]);
    expect(SlowSocket.opened).toHaveLength(1);
    unsubscribe();
  });

  it("(Backstage's default gives that socket up after 1 s and is deaf until its reconnect 5 s later)", async () => {
    const api = SignalClient.create(deps);
    const { unsubscribe } = api.subscribe('ci-status:stacktalk/edge', () => {});
    await jest.advanceTimersByTimeAsync(3000);
    expect(SlowSocket.opened).toHaveLength(1);
    expect(SlowSocket.opened[0].readyState).toBe(SlowSocket.OPEN);
    expect(SlowSocket.opened[0].sent).toEqual([]);
    unsubscribe();
  });
});
