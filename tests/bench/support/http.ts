/**
 * Talking to the app as a browser does: the real sign-in (next-auth's CSRF token, then the credentials
 * callback) and the request a form sends to a server action (Next-Action header, JSON arguments).
 */
import fs from 'node:fs';
import path from 'node:path';

import { ROOT } from './harness';

/** The `name=value` pairs of Set-Cookie headers, as one Cookie header. */
function cookiesOf(response: Response, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair] as const),
  );
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0]!;
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return [...jar.values()].join('; ');
}

/** Signs in through next-auth like the sign-in form; returns the Cookie header of the new session. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  let cookie = cookiesOf(csrf);
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, Origin: baseUrl },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });
  cookie = cookiesOf(response, cookie);
  if (!/next-auth\.session-token=/.test(cookie)) throw new Error(`sign-in failed for ${email} (${response.status})`);
  return cookie;
}

/**
 * The full sign-in of an account with a second factor (supervisors and every role but officers): the
 * password, then `code` (the current TOTP code) through the code step's server action, as the form sends it.
 * Returns the Cookie header of the session that replaced the half signed-in one.
 */
export async function signInWithSecondFactor(
  baseUrl: string,
  email: string,
  password: string,
  code: string,
): Promise<string> {
  const halfway = await signIn(baseUrl, email, password);
  const actionId = serverActionId('lib/auth/mfa/actions.ts', 'verifySecondFactorAction');
  const response = await fetch(`${baseUrl}/anmelden/zweiter-faktor`, {
    method: 'POST',
    headers: serverActionHeaders(baseUrl, actionId, halfway),
    body: JSON.stringify([{ code }]),
  });
  const body = await response.text();
  if (response.status !== 200 || !actionResultOk(body)) {
    throw new Error(`second factor refused for ${email} (${response.status})`);
  }
  return cookiesOf(response, halfway);
}

/** The id Next gave a server action in this build (from the build's server-reference manifest). */
export function serverActionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, '.next/server/server-reference-manifest.json'), 'utf8'),
  ) as { node: Record<string, { filename?: string; exportedName?: string }> };
  const found = Object.entries(manifest.node).find(
    ([, entry]) => entry.filename === file && entry.exportedName === exportedName,
  );
  if (!found) throw new Error(`server action ${exportedName} of ${file} is not in this build`);
  return found[0];
}

/** Headers of the request a page sends when a form calls a server action. */
export function serverActionHeaders(baseUrl: string, actionId: string, cookie: string): Record<string, string> {
  return {
    'Next-Action': actionId,
    'Content-Type': 'text/plain;charset=UTF-8',
    Accept: 'text/x-component',
    Origin: baseUrl,
    Cookie: cookie,
  };
}

/** The action's return value, from the RSC stream the server answers with (`1:{…}`-style rows). */
export function actionResultOk(body: string): boolean {
  return /(^|\n)\d+:\{"ok":true/.test(body);
}
