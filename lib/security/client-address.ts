import { isIP } from 'node:net';

/**
 * The client's address, for the per-address sign-in throttle. Only the app's own HTTP server
 * (lib/cli/next-server.ts) knows the socket's peer; it works the address out per request and hands it to
 * the app in this header, overwriting whatever a client sent under the same name.
 */
export const CLIENT_ADDRESS_HEADER = 'x-vermittlung-client-address';

/** Headers a proxy sets about the original request; believed only from trusted proxies. */
export const FORWARDED_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
];

/**
 * Who is on the other end, given `trustedProxies` reverse proxies in front of the app (TRUSTED_PROXIES).
 * The hops are the socket's peer followed by X-Forwarded-For read from the right; each trusted proxy adds
 * one entry, so the client is the hop just past the trusted ones. Entries further left are whatever the
 * client wrote and are never used. With 0 (no proxy), the socket's peer; with fewer entries than trusted
 * proxies (a proxy that does not forward), the furthest one there is. Null when that hop is no IP address.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: number,
): string | null {
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const hops = [socketAddress ?? '', ...forwarded.reverse()];
  const address = withoutPort(hops[Math.min(trustedProxies, hops.length - 1)]!);
  const unmapped = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return isIP(unmapped) ? unmapped : null;
}

/** Some gateways write "203.0.113.7:51234" or "[2001:db8::1]:443"; the port is not part of who it is. */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}

const SERVER_MARK = Symbol.for('vermittlung-hg.client-address-server');

/** Called once by lib/cli/next-server.ts: from now on this process's header is the server's, not a client's. */
export function markClientAddressServer(): void {
  (globalThis as Record<symbol, unknown>)[SERVER_MARK] = true;
}

/**
 * In the app: the address the server worked out for this request, or null (unknown: no per-address limit).
 * Only under our own server: under `next dev` nobody overwrites the header, so a client could write it.
 */
export function requestClientAddress(
  headers: Headers | Record<string, string | string[] | undefined> | undefined,
): string | null {
  if ((globalThis as Record<symbol, unknown>)[SERVER_MARK] !== true) return null;
  const value = headers instanceof Headers ? headers.get(CLIENT_ADDRESS_HEADER) : headers?.[CLIENT_ADDRESS_HEADER];
  const address = Array.isArray(value) ? value[0] : value;
  return address && isIP(address) ? address : null;
}
