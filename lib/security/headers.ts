/**
 * Response hardening (DESIGN.md section 8, OWASP ASVS 3.4): a Content-Security-Policy with a fresh nonce
 * per request, so no inline script runs unless Next.js itself rendered it (no 'unsafe-inline' for
 * scripts); frames forbidden; no referrer; HSTS in production. Pure, so the proxy and tests share it.
 */
export function contentSecurityPolicy(nonce: string, options: { development: boolean }): string {
  return [
    `default-src 'self'`,
    // 'strict-dynamic' lets the nonce-bearing Next.js bootstrap load its chunks; eval only for dev tooling.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? ` 'unsafe-eval'` : ''}`,
    // Inline style attributes (React, Next's route announcer) are not a script-injection vector.
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'${options.development ? ' ws: wss:' : ''}`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

/** Headers for every response besides the CSP (which needs the per-request nonce). */
export function staticSecurityHeaders(options: { production: boolean }): { key: string; value: string }[] {
  return [
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'no-referrer' },
    { key: 'X-Frame-Options', value: 'DENY' },
    { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), interest-cohort=()' },
    ...(options.production ? [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }] : []),
  ];
}

/** 128 random bits, base64: the CSP nonce of one response. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
