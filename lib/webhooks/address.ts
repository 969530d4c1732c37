import { isIP } from 'node:net';

/**
 * What kind of network an IP address belongs to, for the webhook sender's guard against server-side request
 * forgery (issue 12): a partner's URL must not make the app talk to itself, to the police network behind it or
 * to a cloud metadata service (169.254.169.254). The ranges follow the IANA special-purpose address registries
 * for IPv4 and IPv6 (RFC 6890 and its updates); an IPv6 address that carries an IPv4 address (mapped, SIIT
 * translated, NAT64, 6to4) is judged by the IPv4 address it carries, so `::ffff:127.0.0.1` is loopback.
 *
 * Pure (no configuration, no DNS): tests/unit/webhooks/address.test.ts checks it against node:net's BlockList.
 */
export type AddressScope =
  /** Globally routable unicast: a partner's server on the internet. */
  | 'PUBLIC'
  /** This host: 127.0.0.0/8, ::1. */
  | 'LOOPBACK'
  /** An organisation's own networks: RFC 1918, unique local fc00::/7 (and the deprecated site-local fec0::/10). */
  | 'PRIVATE'
  /** Carrier-grade NAT, 100.64.0.0/10 (RFC 6598): a provider's internal network. */
  | 'SHARED'
  /** 169.254.0.0/16 (cloud metadata services live here), fe80::/10. */
  | 'LINK_LOCAL'
  /** 0.0.0.0, :: (on Linux a connection to it reaches this host). */
  | 'UNSPECIFIED'
  /** 224.0.0.0/4, ff00::/8. */
  | 'MULTICAST'
  /** Everything else that is not a public unicast address: documentation, benchmarking, broadcast, future use. */
  | 'RESERVED';

/** [range, scope], first match wins (a more specific range stands before the one that contains it). */
const IPV4_RANGES: readonly (readonly [string, AddressScope])[] = [
  ['0.0.0.0/32', 'UNSPECIFIED'],
  ['0.0.0.0/8', 'RESERVED'], // "this network"
  ['10.0.0.0/8', 'PRIVATE'],
  ['100.64.0.0/10', 'SHARED'],
  ['127.0.0.0/8', 'LOOPBACK'],
  ['169.254.0.0/16', 'LINK_LOCAL'],
  ['172.16.0.0/12', 'PRIVATE'],
  ['192.0.0.0/24', 'RESERVED'], // IETF protocol assignments
  ['192.0.2.0/24', 'RESERVED'], // TEST-NET-1
  ['192.31.196.0/24', 'RESERVED'], // AS112
  ['192.52.193.0/24', 'RESERVED'], // AMT
  ['192.88.99.0/24', 'RESERVED'], // former 6to4 relay anycast
  ['192.168.0.0/16', 'PRIVATE'],
  ['192.175.48.0/24', 'RESERVED'], // direct delegation AS112
  ['198.18.0.0/15', 'RESERVED'], // benchmarking
  ['198.51.100.0/24', 'RESERVED'], // TEST-NET-2
  ['203.0.113.0/24', 'RESERVED'], // TEST-NET-3
  ['224.0.0.0/4', 'MULTICAST'],
  ['240.0.0.0/4', 'RESERVED'], // future use, and 255.255.255.255 (broadcast)
];

const IPV6_RANGES: readonly (readonly [string, AddressScope])[] = [
  ['::/128', 'UNSPECIFIED'],
  ['::1/128', 'LOOPBACK'],
  ['::/96', 'RESERVED'], // IPv4-compatible (deprecated)
  ['64:ff9b:1::/48', 'PRIVATE'], // local-use NAT64
  ['100::/64', 'RESERVED'], // discard-only
  ['2001::/23', 'RESERVED'], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::/32', 'RESERVED'], // documentation
  ['3fff::/20', 'RESERVED'], // documentation
  ['5f00::/16', 'RESERVED'], // SRv6 SIDs
  ['fc00::/7', 'PRIVATE'],
  ['fe80::/10', 'LINK_LOCAL'],
  ['fec0::/10', 'PRIVATE'], // site-local (deprecated)
  ['ff00::/8', 'MULTICAST'],
];

/** Prefixes of IPv6 addresses that carry an IPv4 address in their last 32 bits (6to4 is handled apart). */
const IPV4_CARRIERS = ['::ffff:0:0/96', '::ffff:0:0:0/96', '64:ff9b::/96'];

type Range = { bytes: Uint8Array; bits: number; scope: AddressScope };

function parseRange([cidr, scope]: readonly [string, AddressScope]): Range {
  const [address, bits] = cidr.split('/') as [string, string];
  return { bytes: addressBytes(address)!, bits: Number(bits), scope };
}

const V4 = IPV4_RANGES.map(parseRange);
const V6 = IPV6_RANGES.map(parseRange);
const CARRIERS = IPV4_CARRIERS.map((cidr) => parseRange([cidr, 'RESERVED']));
/** Global unicast is 2000::/3; nothing outside it is a public IPv6 address today. */
const GLOBAL_UNICAST = parseRange(['2000::/3', 'PUBLIC']);
const SIX_TO_FOUR = parseRange(['2002::/16', 'RESERVED']);

function inRange(bytes: Uint8Array, range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  const whole = range.bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== range.bytes[i]) return false;
  const rest = range.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole]! & mask) === (range.bytes[whole]! & mask);
}

/** An IP address without brackets or a zone (`[fe80::1%eth0]` → `fe80::1`), as `isIP` and the ranges expect. */
export function bareAddress(address: string): string {
  return address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
}

/** The address as 4 or 16 bytes; null when it is no IP address. */
export function addressBytes(address: string): Uint8Array | null {
  const ip = bareAddress(address);
  const family = isIP(ip);
  if (family === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (family !== 6) return null;
  const bytes = new Uint8Array(16);
  let text = ip;
  // A trailing dotted quad ("::ffff:192.0.2.1") fills the last four bytes.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    bytes.set(tail.split('.').map(Number), 12);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = text.split('::') as [string, string | undefined];
  const head = left ? left.split(':') : [];
  const end = right ? right.split(':') : [];
  const groups =
    right === undefined ? head : [...head, ...Array<string>(8 - head.length - end.length).fill('0'), ...end];
  groups.forEach((group, i) => {
    if (i >= 6 && tail.includes('.')) return; // already set from the dotted quad
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

/** The scope of an IP address, or null when `address` is no IP address (a host name, garbage). */
export function addressScope(address: string): AddressScope | null {
  const bytes = addressBytes(address);
  if (!bytes) return null;
  return bytes.length === 4 ? scopeOfV4(bytes) : scopeOfV6(bytes);
}

function scopeOfV4(bytes: Uint8Array): AddressScope {
  return V4.find((range) => inRange(bytes, range))?.scope ?? 'PUBLIC';
}

function scopeOfV6(bytes: Uint8Array): AddressScope {
  if (CARRIERS.some((range) => inRange(bytes, range))) return scopeOfV4(bytes.subarray(12));
  // 6to4 (2002:AABB:CCDD::/48 carries AA.BB.CC.DD), deprecated but still routed by some.
  if (inRange(bytes, SIX_TO_FOUR)) return scopeOfV4(bytes.subarray(2, 6));
  const listed = V6.find((range) => inRange(bytes, range))?.scope;
  if (listed) return listed;
  return inRange(bytes, GLOBAL_UNICAST) ? 'PUBLIC' : 'RESERVED';
}
