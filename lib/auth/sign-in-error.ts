/**
 * What the sign-in page says about the `error` next-auth (or our OIDC callback) put into its URL. Only
 * fixed texts: the parameter is never shown, so neither provider messages nor a crafted link reach the page.
 * Client-safe: no imports.
 */
export type SignInErrorKey = 'oidcFailed' | 'oidcRefused' | 'failed';

/** next-auth v4's error codes for the OAuth flow, plus our own from lib/auth/options.ts. */
const OIDC_FAILURES = new Set([
  'OidcFailed',
  'OAuthSignin',
  'OAuthCallback',
  'OAuthCreateAccount',
  'OAuthAccountNotLinked',
  'Callback',
  'Configuration',
  'Default',
]);

export function signInErrorKey(code: string | undefined): SignInErrorKey | null {
  if (!code) return null;
  // A refused account learns no more than that: the reason is in the audit trail (lib/auth/oidc.ts).
  if (code === 'OidcRefused' || code === 'AccessDenied') return 'oidcRefused';
  if (code === 'CredentialsSignin') return 'failed';
  return OIDC_FAILURES.has(code) ? 'oidcFailed' : null;
}
