import { describe, expect, it } from 'vitest';

import { signInErrorKey } from '@/lib/auth/sign-in-error';

describe('signInErrorKey', () => {
  it.each([
    ['OidcRefused', 'oidcRefused'],
    ['AccessDenied', 'oidcRefused'],
    ['OidcFailed', 'oidcFailed'],
    ['OAuthSignin', 'oidcFailed'],
    ['OAuthCallback', 'oidcFailed'],
    ['Callback', 'oidcFailed'],
    ['Configuration', 'oidcFailed'],
    ['CredentialsSignin', 'failed'],
  ] as const)('maps %j to the fixed text %j', (code, key) => {
    expect(signInErrorKey(code)).toBe(key);
  });

  it.each([undefined, '', 'Sie wurden gehackt, rufen Sie 0800 an', 'toString', '__proto__'])(
    'shows nothing for %j (a crafted link cannot put text on the page)',
    (code) => {
      expect(signInErrorKey(code)).toBeNull();
    },
  );
});
