import { BlockList, isIP } from 'node:net';
import type { Request } from 'express';

/** `::ffff:10.0.0.1` → `10.0.0.1`: IPv4 clients of a dual-stack socket, written as IPv4. */
function plain(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const family = isIP(address);
  if (family === 0) return undefined;
  return family === 4 ? 'ipv4' : 'ipv6';
}

/**
 * The address the audit log records for a request: the connection's peer, or, only when that
 * peer is one of `secrets.trustedProxies`, the address it forwarded for (X-Forwarded-For, read
 * from the right, skipping further trusted proxies). A client's own X-Forwarded-For is never
 * believed, whatever `backend.trustProxy` says.
 */
export class ClientAddress {
  private readonly trusted = new BlockList();

  /** Entries are addresses (`10.0.0.5`, `::1`) or CIDR ranges (`10.0.0.0/8`, `fd00::/8`). */
  constructor(trustedProxies: string[]) {
    for (const entry of trustedProxies) {
      const [address, bits, ...rest] = entry.split('/');
      const type = familyOf(address);
      const prefix = bits === undefined ? undefined : Number(bits);
      const max = type === 'ipv4' ? 32 : 128;
      if (!type || rest.length || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= max && bits !== ''))) {
        throw new Error(`secrets.trustedProxies: "${entry}" is not an IP address or a CIDR range such as 10.0.0.0/8`);
      }
      if (prefix === undefined) this.trusted.addAddress(address, type);
      else this.trusted.addSubnet(address, prefix, type);
    }
  }

  private isTrusted(address: string): boolean {
    const type = familyOf(address);
    return type !== undefined && this.trusted.check(address, type);
  }

  /** `203.0.113.9 via 10.0.0.5` when a trusted proxy forwarded it, else the peer's address. */
  of(req: Request): string {
    const peer = plain(req.socket.remoteAddress ?? 'unknown address');
    let client = peer;
    const hops = (req.get('x-forwarded-for') ?? '').split(',').map(hop => plain(hop.trim())).filter(Boolean);
    while (this.isTrusted(client) && hops.length > 0) {
      const next = hops.pop()!;
      if (!familyOf(next)) break; // garbage from the client: keep the last address we can vouch for
      client = next;
    }
    return client === peer ? peer : `${client} via ${peer}`;
  }
}
