import type { Request } from 'express';
import { ClientAddress } from './ClientAddress';

const req = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, get: (h: string) => (h.toLowerCase() === 'x-forwarded-for' ? forwardedFor : undefined) }) as unknown as Request;

describe('ClientAddress', () => {
  it('records the peer and ignores X-Forwarded-For from anyone not trusted', () => {
    const none = new ClientAddress([]);
    expect(none.of(req('::ffff:192.0.2.1', '203.0.113.9'))).toBe('192.0.2.1');
    const some = new ClientAddress(['10.0.0.0/8']);
    expect(some.of(req('192.0.2.1', '203.0.113.9'))).toBe('192.0.2.1');
  });

  it('walks X-Forwarded-For from the right while the hop is a trusted proxy', () => {
    const trusted = new ClientAddress(['10.0.0.0/8', '::1', 'fd00::/8']);
    expect(trusted.of(req('10.0.0.5', '198.51.100.7, 203.0.113.9, 10.1.2.3'))).toBe('203.0.113.9 via 10.0.0.5');
    expect(trusted.of(req('::1', '2001:db8::7, fd00::3'))).toBe('2001:db8::7 via ::1');
    expect(trusted.of(req('10.0.0.5', 'not-an-address'))).toBe('10.0.0.5');
    expect(trusted.of(req('10.0.0.5', '10.0.0.6'))).toBe('10.0.0.6 via 10.0.0.5');
    expect(trusted.of(req('10.0.0.5'))).toBe('10.0.0.5');
  });

  it('refuses entries that are not addresses or CIDR ranges', () => {
    for (const bad of ['nginx', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/1', 'fd00::/129', '']) {
      expect(() => new ClientAddress([bad])).toThrow(`secrets.trustedProxies: "${bad}" is not an IP address or a CIDR range`);
    }
  });
});
