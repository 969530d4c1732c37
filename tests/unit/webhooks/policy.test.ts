/**
 * Where the webhook sender may connect (issue 12): production allows https and public addresses only, and a
 * host named in WEBHOOK_ALLOWED_HOSTS may resolve to a private network (never to loopback or link-local);
 * development and tests add http and loopback for a receiver on the same machine.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { env, resetEnvCache } from '@/lib/env';
import { mayConnect, urlRefusal, webhookPolicyFrom } from '@/lib/webhooks/policy';
import { webhookPolicy } from '@/lib/webhooks/send';

const production = webhookPolicyFrom({ production: true, allowedHosts: [] });
const productionWithInternal = webhookPolicyFrom({
  production: true,
  allowedHosts: ['fallsystem.polizei.example', '10.20.30.40'],
});
const development = webhookPolicyFrom({ production: false, allowedHosts: [] });

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('the production policy', () => {
  it('allows https only, no loopback, and only the hosts the deployment lists', () => {
    expect(production).toEqual({ listedOnly: true, allowHttp: false, allowLoopback: false, allowedHosts: [] });
    expect(development).toEqual({ listedOnly: false, allowHttp: true, allowLoopback: true, allowedHosts: [] });
  });

  it.each([
    ['https://fallsystem.partner.example/hooks/vermittlung?token=abc', 'NOT_LISTED'],
    ['https://fallsystem.partner.example:8443/hooks', 'NOT_LISTED'],
    ['https://8.8.8.8/hooks', 'NOT_LISTED'],
    ['https://[2001:4860:4860::8888]/hooks', 'NOT_LISTED'],
    ['http://fallsystem.partner.example/hooks', 'SCHEME'],
    ['ftp://fallsystem.partner.example/hooks', 'SCHEME'],
    ['file:///etc/passwd', 'SCHEME'],
    ['https://localhost/hooks', 'ADDRESS'],
    ['https://LOCALHOST./hooks', 'ADDRESS'],
    ['https://api.localhost/hooks', 'ADDRESS'],
    ['https://127.0.0.1/hooks', 'ADDRESS'],
    ['https://0x7f.1/hooks', 'ADDRESS'], // the URL parser makes it 127.0.0.1
    ['https://2130706433/hooks', 'ADDRESS'], // and this
    ['https://[::1]/hooks', 'ADDRESS'],
    ['https://[::ffff:127.0.0.1]/hooks', 'ADDRESS'],
    ['https://[::ffff:a9fe:a9fe]/latest/meta-data', 'ADDRESS'],
    ['https://169.254.169.254/latest/meta-data', 'ADDRESS'],
    ['https://10.0.0.5/hooks', 'NOT_LISTED'],
    ['https://192.168.1.10/hooks', 'NOT_LISTED'],
    ['https://100.64.0.1/hooks', 'NOT_LISTED'],
    ['https://[fd00::1]/hooks', 'NOT_LISTED'],
    ['https://0.0.0.0/hooks', 'ADDRESS'],
    ['https://user:pass@fallsystem.partner.example/hooks', 'ADDRESS'],
  ] as const)('%s → %s', (url, refusal) => {
    expect(urlRefusal(new URL(url), production)).toBe(refusal);
  });

  it('reaches a listed host over https, public or private, and refuses every other host', () => {
    const listed = webhookPolicyFrom({ production: true, allowedHosts: ['fallsystem.partner.example'] });
    expect(urlRefusal(new URL('https://fallsystem.partner.example/hooks?token=abc'), listed)).toBeNull();
    expect(urlRefusal(new URL('https://FallSystem.Partner.Example./hooks'), listed)).toBeNull();
    expect(urlRefusal(new URL('https://evil.partner.example/hooks'), listed)).toBe('NOT_LISTED');
    expect(urlRefusal(new URL('http://fallsystem.partner.example/hooks'), listed)).toBe('SCHEME');
    expect(mayConnect('fallsystem.partner.example', '93.184.215.14', listed)).toBe(true);
    expect(mayConnect('evil.example', '93.184.215.14', listed)).toBe(false);
  });

  it('lets a host of WEBHOOK_ALLOWED_HOSTS resolve to a private network, and nothing else', () => {
    const p = productionWithInternal;
    expect(mayConnect('fallsystem.polizei.example', '10.1.2.3', p)).toBe(true);
    expect(mayConnect('FallSystem.Polizei.Example.', '172.20.0.9', p)).toBe(true);
    expect(mayConnect('fallsystem.polizei.example', 'fd00::9', p)).toBe(true);
    expect(mayConnect('fallsystem.polizei.example', '100.64.1.1', p)).toBe(true);
    expect(mayConnect('fallsystem.polizei.example', '8.8.8.8', p)).toBe(true);
    // Never this host, the cloud metadata service or anything that is no partner.
    for (const address of ['127.0.0.1', '::1', '169.254.169.254', 'fe80::1', '0.0.0.0', '224.0.0.1', '192.0.2.1']) {
      expect(mayConnect('fallsystem.polizei.example', address, p), address).toBe(false);
    }
    // Other names: public only.
    expect(mayConnect('evil.example', '10.1.2.3', p)).toBe(false);
    expect(mayConnect('polizei.example', '10.1.2.3', p)).toBe(false);
    expect(mayConnect('x.fallsystem.polizei.example', '10.1.2.3', p)).toBe(false);
    // Not listed: not even a public address (production sends to listed hosts only).
    expect(mayConnect('evil.example', '93.184.215.14', p)).toBe(false);
    // Not even an IP address: refused.
    expect(mayConnect('evil.example', 'not-an-address', p)).toBe(false);
  });

  it('accepts an allowed private address written into the URL, https only', () => {
    expect(urlRefusal(new URL('https://10.20.30.40/hooks'), productionWithInternal)).toBeNull();
    expect(urlRefusal(new URL('https://10.20.30.41/hooks'), productionWithInternal)).toBe('NOT_LISTED');
    expect(urlRefusal(new URL('http://10.20.30.40/hooks'), productionWithInternal)).toBe('SCHEME');
    expect(urlRefusal(new URL('https://fallsystem.polizei.example/hooks'), productionWithInternal)).toBeNull();
  });
});

describe('the development and test policy', () => {
  it('adds http and loopback (a receiver on this machine), nothing else', () => {
    expect(urlRefusal(new URL('http://127.0.0.1:4000/hooks'), development)).toBeNull();
    expect(urlRefusal(new URL('http://localhost:4000/hooks'), development)).toBeNull();
    expect(urlRefusal(new URL('http://[::1]:4000/hooks'), development)).toBeNull();
    expect(urlRefusal(new URL('http://169.254.169.254/'), development)).toBe('ADDRESS');
    expect(urlRefusal(new URL('http://10.0.0.1/'), development)).toBe('ADDRESS');
    expect(urlRefusal(new URL('http://0.0.0.0:4000/'), development)).toBe('ADDRESS');
    expect(mayConnect('localhost', '127.0.0.1', development)).toBe(true);
    expect(mayConnect('partner.example', '192.168.0.10', development)).toBe(false);
  });
});

describe('WEBHOOK_ALLOWED_HOSTS', () => {
  const load = (vars: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
    resetEnvCache();
    return env();
  };

  it('is empty by default', () => {
    expect(load({ WEBHOOK_ALLOWED_HOSTS: undefined }).WEBHOOK_ALLOWED_HOSTS).toEqual([]);
    expect(webhookPolicy()).toEqual({ listedOnly: false, allowHttp: true, allowLoopback: true, allowedHosts: [] });
  });

  it('reads host names and addresses separated by ",", in lower case without the trailing dot', () => {
    expect(
      load({ WEBHOOK_ALLOWED_HOSTS: ' Fallsystem.Polizei.Example. , 10.20.30.40,[fd00::1],' }).WEBHOOK_ALLOWED_HOSTS,
    ).toEqual(['fallsystem.polizei.example', '10.20.30.40', '[fd00::1]']);
    expect(webhookPolicy().allowedHosts).toEqual(['fallsystem.polizei.example', '10.20.30.40', 'fd00::1']);
    expect(mayConnect('[fd00::1]', 'fd00::1', webhookPolicy())).toBe(true);
  });

  it.each(['https://fallsystem.example', 'fallsystem.example:8443', 'fallsystem.example/hooks', 'a b', 'user@host'])(
    'refuses %j, naming the variable',
    (value) => {
      expect(() => load({ WEBHOOK_ALLOWED_HOSTS: value })).toThrow(/WEBHOOK_ALLOWED_HOSTS/);
    },
  );
});
