/**
 * The per-address sign-in throttle counts the address the connection really comes from (TRUSTED_PROXIES=0
 * here: no proxy in front), so a client cannot pick a fresh address for every guess by writing its own
 * X-Forwarded-For. Sent from loopback addresses of its own (127.0.0.x), so that the block it provokes
 * does not touch the browser tests, which come from 127.0.0.1.
 */
import http from 'node:http';

import { expect, test } from '@playwright/test';

import { E2E_APP_PORT as PORT } from './support/ports';

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

function send(
  from: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: PORT, path, method: init.method ?? 'GET', headers: init.headers, localAddress: from },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

/** One password sign-in through next-auth, as the sign-in form posts it; true when a session was issued. */
async function signIn(from: string, email: string, password: string, forwardedFor: string): Promise<boolean> {
  const csrf = await send(from, '/api/auth/csrf');
  const cookie = (csrf.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const answer = await send(from, '/api/auth/callback/credentials', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie,
      origin: `http://localhost:${PORT}`,
      'x-forwarded-for': forwardedFor,
    },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }).toString(),
  });
  return (answer.headers['set-cookie'] ?? []).some((c) => /session-token=[^;]+/.test(c));
}

test('a client cannot dodge the address limit by writing its own X-Forwarded-For', async () => {
  test.setTimeout(90_000);
  const attacker = '127.0.0.9';
  for (let i = 0; i < 30; i++) {
    expect(await signIn(attacker, `niemand-${i}@polizei.example`, 'falsch', `198.51.100.${i + 1}`)).toBe(false);
  }
  // The address is blocked now, whatever it claims to be, even with the right password …
  expect(await signIn(attacker, 'officer@polizei.example', 'Demo-Passwort-2026', '203.0.113.99')).toBe(false);
  // … while everybody else still signs in.
  expect(await signIn('127.0.0.10', 'officer@polizei.example', 'Demo-Passwort-2026', '198.51.100.1')).toBe(true);
});
