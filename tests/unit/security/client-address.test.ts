import { describe, expect, it } from 'vitest';

import {
  CLIENT_ADDRESS_HEADER,
  clientAddress,
  markClientAddressServer,
  requestClientAddress,
} from '@/lib/security/client-address';

describe('the client address behind TRUSTED_PROXIES', () => {
  it('without proxies is the socket peer, whatever X-Forwarded-For claims', () => {
    expect(clientAddress('203.0.113.7', undefined, 0)).toBe('203.0.113.7');
    expect(clientAddress('203.0.113.7', '10.9.9.9', 0)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7', '10.9.9.9', 0)).toBe('203.0.113.7');
  });

  it('behind one proxy is the entry that proxy added, not the ones the client wrote before it', () => {
    expect(clientAddress('10.0.0.2', '198.51.100.4', 1)).toBe('198.51.100.4');
    expect(clientAddress('10.0.0.2', '1.1.1.1, 2.2.2.2, 198.51.100.4', 1)).toBe('198.51.100.4');
    expect(clientAddress('10.0.0.2', ['1.1.1.1', '198.51.100.4'], 1)).toBe('198.51.100.4');
  });

  it('behind two proxies skips both, so the directorate is not one key', () => {
    // client → load balancer (adds the client) → ingress (adds the load balancer) → app
    expect(clientAddress('10.0.0.3', '198.51.100.4, 10.0.0.2', 2)).toBe('198.51.100.4');
    expect(clientAddress('10.0.0.3', '6.6.6.6, 198.51.100.4, 10.0.0.2', 2)).toBe('198.51.100.4');
  });

  it('with fewer hops than proxies takes the furthest one, and refuses anything that is no address', () => {
    expect(clientAddress('10.0.0.2', undefined, 2)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '198.51.100.4', 3)).toBe('198.51.100.4');
    expect(clientAddress('10.0.0.2', 'evil, <script>', 1)).toBeNull();
    expect(clientAddress(undefined, undefined, 0)).toBeNull();
    expect(clientAddress('10.0.0.2', '2001:db8::1', 1)).toBe('2001:db8::1');
  });

  it('drops a port some gateways append', () => {
    expect(clientAddress('10.0.0.2', '198.51.100.4:51234', 1)).toBe('198.51.100.4');
    expect(clientAddress('10.0.0.2', '[2001:db8::1]:443', 1)).toBe('2001:db8::1');
    expect(clientAddress('10.0.0.2', '[2001:db8::1]', 1)).toBe('2001:db8::1');
  });

  it('reaches the app only through the header our own server sets', () => {
    // Under `next dev` nobody overwrites the header: a client could write it, so it is not read at all.
    expect(requestClientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: '198.51.100.4' }))).toBeNull();
    markClientAddressServer();
    expect(requestClientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: '198.51.100.4' }))).toBe('198.51.100.4');
    expect(requestClientAddress({ [CLIENT_ADDRESS_HEADER]: '198.51.100.4', 'x-forwarded-for': '1.2.3.4' })).toBe(
      '198.51.100.4',
    );
    expect(requestClientAddress(new Headers({ 'x-forwarded-for': '1.2.3.4' }))).toBeNull();
    expect(requestClientAddress({ [CLIENT_ADDRESS_HEADER]: 'nonsense' })).toBeNull();
    expect(requestClientAddress(undefined)).toBeNull();
  });
});
