/**
 * A real OpenID Connect provider for the end-to-end tests: panva's `oidc-provider` (the certified
 * implementation) with one confidential client, the accounts of ./oidc-accounts.ts and a plain login page.
 *
 * The login page is our own rather than the package's devInteractions: those finish the login with the
 * account id only, so the ID token could never carry an `amr` claim, and the supervisor's second factor at
 * the provider is what the tests need to show. Consent is skipped the way a directorate provider does for
 * its own applications (the package's skip-consent recipe).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

import { OIDC_TEST_ACCOUNTS, OIDC_TEST_CLIENT_ID, OIDC_TEST_PASSWORD } from './oidc-accounts';

export type TestOidcProvider = { issuer: string; close: () => Promise<void> };

const accountsBySub = new Map(Object.values(OIDC_TEST_ACCOUNTS).map((account) => [account.sub, account]));

export async function startOidcProvider(options: {
  port: number;
  appUrl: string;
  clientSecret: string;
}): Promise<TestOidcProvider> {
  const issuer = `http://localhost:${options.port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_TEST_CLIENT_ID,
        client_secret: options.clientSecret,
        redirect_uris: [`${options.appUrl}/api/auth/callback/oidc`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // `dienst` is this provider's scope for the role and unit claims; `amr` goes with every ID token.
    claims: {
      openid: ['sub', 'amr'],
      profile: ['name'],
      email: ['email', 'email_verified'],
      dienst: ['role', 'station'],
    },
    // Like most directory-backed providers: the granted scopes' claims are in the ID token itself.
    conformIdTokenClaims: false,
    // Explicit lifetimes (the package nags about its defaults); a test run is short.
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    // A hardened provider insists on PKCE for confidential clients too; the app must send it.
    pkce: { required: () => true },
    findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const account = accountsBySub.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: account.name,
          email: account.email,
          email_verified: true,
          role: account.role,
          ...(account.station ? { station: account.station } : {}),
        }),
      };
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ accountId: oidc.session.accountId, clientId: oidc.client.clientId });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      grant.addOIDCClaims([...oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
  });

  const handleOidc = provider.callback();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (!path.startsWith('/interaction/')) {
      handleOidc(req, res);
      return;
    }
    interaction(provider, req, res).catch((error: unknown) => {
      console.error('test OIDC provider:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('interaction failed');
    });
  });
  await listen(server, options.port);
  return { issuer, close: () => close(server) };
}

/** GET shows the login form; POST checks it and hands the login, with its `amr`, back to the provider. */
async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
  if (req.method !== 'POST') {
    sendLoginPage(res, details.uid, false);
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const account = OIDC_TEST_ACCOUNTS[form.get('login') ?? ''];
  if (!account || form.get('password') !== OIDC_TEST_PASSWORD) {
    sendLoginPage(res, details.uid, true);
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.sub, amr: account.amr } },
    { mergeWithLastSubmission: false },
  );
}

function sendLoginPage(res: ServerResponse, uid: string, failed: boolean): void {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  res.writeHead(failed ? 401 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Test-Identitätsprovider</title></head>
<body><main>
<h1>Test-Identitätsprovider</h1>
${failed ? '<p role="alert">Benutzerkennung oder Kennwort falsch.</p>' : ''}
<form method="post" action="${action}">
<p><label for="login">Benutzerkennung</label> <input id="login" name="login" autocomplete="username" required></p>
<p><label for="password">Kennwort</label> <input id="password" name="password" type="password" required></p>
<p><button type="submit">Beim Test-IdP anmelden</button></p>
</form>
</main></body></html>`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
