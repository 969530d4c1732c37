/**
 * The webhook sender's address classifier (issue 12, no server-side request forgery): tables of addresses in
 * every notation a resolver or a URL can produce, then properties: an IPv4 address is judged the same in each
 * IPv6 form that carries it, the parser agrees with Node's own canonical form, and the ranges agree with
 * node:net's BlockList.
 */
import { BlockList } from 'node:net';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addressBytes, addressScope, type AddressScope } from '@/lib/webhooks/address';

const TABLE: [string, AddressScope][] = [
  // Public
  ['8.8.8.8', 'PUBLIC'],
  ['1.1.1.1', 'PUBLIC'],
  ['193.175.0.1', 'PUBLIC'],
  ['100.63.255.255', 'PUBLIC'], // just below CGNAT
  ['100.128.0.0', 'PUBLIC'], // just above CGNAT
  ['172.15.255.255', 'PUBLIC'], // just below 172.16/12
  ['172.32.0.0', 'PUBLIC'], // just above
  ['169.253.255.255', 'PUBLIC'],
  ['223.255.255.255', 'PUBLIC'], // last before multicast
  ['2001:4860:4860::8888', 'PUBLIC'],
  ['2a00:1450:4001:82b::200e', 'PUBLIC'],
  ['2606:4700:4700::1111', 'PUBLIC'],
  ['64:ff9b::808:808', 'PUBLIC'], // NAT64 of 8.8.8.8
  ['2002:808:808::1', 'PUBLIC'], // 6to4 of 8.8.8.8
  // Loopback
  ['127.0.0.1', 'LOOPBACK'],
  ['127.255.255.254', 'LOOPBACK'],
  ['127.1.2.3', 'LOOPBACK'],
  ['::1', 'LOOPBACK'],
  ['0:0:0:0:0:0:0:1', 'LOOPBACK'],
  ['[::1]', 'LOOPBACK'], // as a URL writes it
  ['::ffff:127.0.0.1', 'LOOPBACK'], // IPv4-mapped
  ['::ffff:7f00:1', 'LOOPBACK'], // the same in hex
  ['0:0:0:0:0:ffff:7f00:0001', 'LOOPBACK'],
  ['::ffff:0:127.0.0.1', 'LOOPBACK'], // SIIT translated
  ['64:ff9b::127.0.0.1', 'LOOPBACK'], // NAT64
  ['64:ff9b::7f00:1', 'LOOPBACK'],
  ['2002:7f00:1::', 'LOOPBACK'], // 6to4
  // Private
  ['10.0.0.0', 'PRIVATE'],
  ['10.255.255.255', 'PRIVATE'],
  ['172.16.0.1', 'PRIVATE'],
  ['172.31.255.255', 'PRIVATE'],
  ['192.168.0.1', 'PRIVATE'],
  ['192.168.255.255', 'PRIVATE'],
  ['::ffff:10.1.2.3', 'PRIVATE'],
  ['::ffff:c0a8:101', 'PRIVATE'], // ::ffff:192.168.1.1
  ['fc00::1', 'PRIVATE'],
  ['fd12:3456:789a::1', 'PRIVATE'],
  ['FD00::ABCD', 'PRIVATE'], // upper case
  ['fec0::1', 'PRIVATE'], // site-local
  ['64:ff9b:1::a00:1', 'PRIVATE'], // local-use NAT64
  ['2002:c0a8:101::1', 'PRIVATE'], // 6to4 of 192.168.1.1
  // Shared (carrier-grade NAT)
  ['100.64.0.0', 'SHARED'],
  ['100.127.255.255', 'SHARED'],
  ['::ffff:100.100.100.100', 'SHARED'],
  // Link-local, including the cloud metadata service
  ['169.254.169.254', 'LINK_LOCAL'],
  ['169.254.0.1', 'LINK_LOCAL'],
  ['::ffff:169.254.169.254', 'LINK_LOCAL'],
  ['::ffff:a9fe:a9fe', 'LINK_LOCAL'],
  ['fe80::1', 'LINK_LOCAL'],
  ['fe80::1%eth0', 'LINK_LOCAL'], // with a zone, as resolvers report it
  ['[fe80::abcd%25en0]', 'LINK_LOCAL'],
  ['febf:ffff::1', 'LINK_LOCAL'],
  // Unspecified
  ['0.0.0.0', 'UNSPECIFIED'],
  ['::', 'UNSPECIFIED'],
  ['0:0:0:0:0:0:0:0', 'UNSPECIFIED'],
  ['::ffff:0.0.0.0', 'UNSPECIFIED'],
  // Multicast
  ['224.0.0.1', 'MULTICAST'],
  ['239.255.255.250', 'MULTICAST'],
  ['ff02::1', 'MULTICAST'],
  ['ff05::1:3', 'MULTICAST'],
  ['::ffff:224.0.0.251', 'MULTICAST'],
  // Reserved: this network, documentation, benchmarking, future use, broadcast, deprecated forms
  ['0.1.2.3', 'RESERVED'],
  ['192.0.0.8', 'RESERVED'],
  ['192.0.2.1', 'RESERVED'],
  ['198.18.0.1', 'RESERVED'],
  ['198.19.255.255', 'RESERVED'],
  ['198.51.100.7', 'RESERVED'],
  ['203.0.113.9', 'RESERVED'],
  ['240.0.0.1', 'RESERVED'],
  ['255.255.255.255', 'RESERVED'],
  ['::127.0.0.1', 'RESERVED'], // IPv4-compatible (deprecated)
  ['::2', 'RESERVED'],
  ['100::1', 'RESERVED'],
  ['2001:db8::1', 'RESERVED'],
  ['2001::1', 'RESERVED'], // Teredo
  ['3fff::1', 'RESERVED'],
  ['4000::1', 'RESERVED'], // outside global unicast 2000::/3
  ['1000::1', 'RESERVED'],
  ['e000::1', 'RESERVED'],
];

describe('addressScope', () => {
  it.each(TABLE)('%s is %s', (address, scope) => {
    expect(addressScope(address)).toBe(scope);
  });

  it.each([
    'localhost',
    'partner.example',
    '',
    '127.1', // short forms are host names to isIP; URLs and resolvers write addresses in full
    '2130706433',
    '0x7f.0.0.1',
    '1.2.3.4.5',
    '256.0.0.1',
    ':::1',
    '1::2::3',
    '[::1',
  ])('%j is no address', (text) => {
    expect(addressScope(text)).toBeNull();
  });
});

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const hex = (a: number, b: number) => ((a << 8) | b).toString(16);

describe('IPv4 inside IPv6', () => {
  it('is judged by the IPv4 address it carries, in every notation', () => {
    fc.assert(
      fc.property(ipv4, ([a, b, c, d]) => {
        const v4 = `${a}.${b}.${c}.${d}`;
        const scope = addressScope(v4);
        expect(addressScope(`::ffff:${v4}`)).toBe(scope);
        expect(addressScope(`::ffff:${hex(a, b)}:${hex(c, d)}`)).toBe(scope);
        expect(addressScope(`0:0:0:0:0:ffff:${hex(a, b)}:${hex(c, d)}`)).toBe(scope);
        expect(addressScope(`::ffff:0:${v4}`)).toBe(scope);
        expect(addressScope(`64:ff9b::${v4}`)).toBe(scope);
        expect(addressScope(`2002:${hex(a, b)}:${hex(c, d)}::1`)).toBe(scope);
      }),
    );
  });
});

describe('addressBytes', () => {
  it('reads every IPv6 notation as the bytes Node writes it from', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const groups = Array.from({ length: 8 }, (_, i) => hex(bytes[2 * i]!, bytes[2 * i + 1]!));
        // The URL parser writes the canonical (compressed) form, as resolvers do.
        const canonical = new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
        expect(Array.from(addressBytes(groups.join(':'))!)).toEqual(Array.from(bytes));
        expect(Array.from(addressBytes(canonical)!)).toEqual(Array.from(bytes));
      }),
    );
  });
});

describe('agreement with node:net BlockList', () => {
  /** Each range of the classifier, as BlockList reads it, with the scope it must give. */
  const RANGES: [string, number, 'ipv4' | 'ipv6', AddressScope][] = [
    ['10.0.0.0', 8, 'ipv4', 'PRIVATE'],
    ['172.16.0.0', 12, 'ipv4', 'PRIVATE'],
    ['192.168.0.0', 16, 'ipv4', 'PRIVATE'],
    ['100.64.0.0', 10, 'ipv4', 'SHARED'],
    ['127.0.0.0', 8, 'ipv4', 'LOOPBACK'],
    ['169.254.0.0', 16, 'ipv4', 'LINK_LOCAL'],
    ['224.0.0.0', 4, 'ipv4', 'MULTICAST'],
    ['fc00::', 7, 'ipv6', 'PRIVATE'],
    ['fe80::', 10, 'ipv6', 'LINK_LOCAL'],
    ['ff00::', 8, 'ipv6', 'MULTICAST'],
  ];

  it("gives an IPv4 address a scope exactly when BlockList finds it in one of that scope's ranges", () => {
    const lists = new Map<AddressScope, BlockList>();
    for (const [network, prefix, family, scope] of RANGES.filter((r) => r[2] === 'ipv4')) {
      if (!lists.has(scope)) lists.set(scope, new BlockList());
      lists.get(scope)!.addSubnet(network, prefix, family);
    }
    fc.assert(
      fc.property(ipv4, ([a, b, c, d]) => {
        const address = `${a}.${b}.${c}.${d}`;
        for (const [scope, list] of lists) expect(addressScope(address) === scope).toBe(list.check(address, 'ipv4'));
      }),
      { numRuns: 5000 },
    );
  });

  it('puts an IPv6 address into a range exactly when BlockList does, and nothing outside 2000::/3 is public', () => {
    // Random addresses rarely fall into a small range: half of them start with a range's first bytes.
    const starts = [0xfc, 0xfd, 0xfe, 0xff, 0x20, 0x2a, 0x40, 0x00];
    const address = fc
      .tuple(fc.constantFrom(...starts), fc.uint8Array({ minLength: 15, maxLength: 15 }))
      .map(([first, rest]) => {
        const bytes = [first, ...rest];
        return Array.from({ length: 8 }, (_, i) => hex(bytes[2 * i]!, bytes[2 * i + 1]!)).join(':');
      });
    const global = new BlockList();
    global.addSubnet('2000::', 3, 'ipv6');
    fc.assert(
      fc.property(address, (ip) => {
        const scope = addressScope(ip);
        for (const [network, prefix, family, expected] of RANGES.filter((r) => r[2] === 'ipv6')) {
          const list = new BlockList();
          list.addSubnet(network, prefix, family);
          if (list.check(ip, 'ipv6')) expect(scope).toBe(expected);
        }
        if (!global.check(ip, 'ipv6')) expect(scope).not.toBe('PUBLIC');
      }),
      { numRuns: 2000 },
    );
  });
});
