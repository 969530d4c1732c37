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
  const hop = hops[Math.min(trustedProxies, hops.length - 1)]!;
  const address = hop.startsWith('::ffff:') && isIP(hop.slice(7)) === 4 ? hop.slice(7) : hop;
  return isIP(address) ? address : null;
}

/** In the app: the address the server worked out for this request, or null (unknown: no per-address limit). */
export function requestClientAddress(
  headers: Headers | Record<string, string | string[] | undefined> | undefined,
): string | null {
  const value = headers instanceof Headers ? headers.get(CLIENT_ADDRESS_HEADER) : headers?.[CLIENT_ADDRESS_HEADER];
  const address = Array.isArray(value) ? value[0] : value;
  return address && isIP(address) ? address : null;
}
