/**
 * Minimum installed versions that fix known security advisories (npm audit does not work against our registry).
 * Checked by .ci/check-versions.mjs (`npm run check:versions`, first step of `npm run validate`).
 *
 * One `minimum` per package, for the release line we are on (next 16.x, react/react-dom 19.x, next-auth 4.x).
 * Each advisory lists the first fixed version ON THAT LINE; `minimum` is the highest of them. Because the minimum
 * is a 16.x / 19.x / 4.x version, being on an older major line (next 15, react 18, next-auth 3) fails as well, even
 * where that line got its own backport. Prereleases of a fixed version (e.g. 16.3.3-canary.1) count as below it.
 *
 * Sources: the vendors' advisories/blog posts as quoted in GitHub advisory-database threads and downstream upgrade
 * PRs; confidence per entry. To raise a minimum: add the advisory here, then bump `minimum` (a unit test checks
 * that `minimum` is not below any listed fix).
 */

/**
 * React Server Components (react-server-dom-webpack/-turbopack/-parcel). React publishes react, react-dom and
 * react-server-dom-* in lockstep, so react/react-dom are gated on the same versions. Note: Next.js ships its own
 * vendored copy of react-server-dom-*, so for this app the real fix arrives with `next` (gated separately below).
 */
const REACT_19_ADVISORIES = [
  // CVE-2025-55182 / GHSA-fv66-9v8q-g76r "React2Shell": unauthenticated RCE via Flight payload deserialization.
  // Fixed 19.0.1 / 19.1.2 / 19.2.1 (React advisory). Confidence: high.
  { ids: ['CVE-2025-55182', 'GHSA-fv66-9v8q-g76r'], fixed: '19.2.1' },
  // CVE-2025-55184 (DoS, infinite loop in Server Function deserialization), CVE-2025-55183 (Server Function source
  // code exposure). Fixed 19.0.2 / 19.1.3 / 19.2.2 (React blog 2025-12-11). Confidence: high.
  { ids: ['CVE-2025-55184', 'CVE-2025-55183'], fixed: '19.2.2' },
  // CVE-2025-67779: incomplete fix of CVE-2025-55184 (DoS). Fixed 19.0.3 / 19.1.4 / 19.2.3. Confidence: high.
  { ids: ['CVE-2025-67779'], fixed: '19.2.3' },
  // CVE-2026-23864: further RSC DoS cases (crash/OOM/CPU). Fixed 19.0.4 / 19.1.5 / 19.2.4 (React blog). Confidence: high.
  { ids: ['CVE-2026-23864'], fixed: '19.2.4' },
  // CVE-2026-23869 / GHSA-479c-33wc-g2pg: RSC DoS, incomplete fix of CVE-2026-23864 (affects 19.2.0-19.2.4).
  // Fixed 19.2.5. Confidence: medium-high (advisory quoted downstream).
  { ids: ['CVE-2026-23869', 'GHSA-479c-33wc-g2pg'], fixed: '19.2.5' },
  // CVE-2026-23870: RSC DoS (May 2026 coordinated release). Fixed 19.0.6 / 19.1.7 / 19.2.6. Confidence: medium.
  { ids: ['CVE-2026-23870'], fixed: '19.2.6' },
  // CVE-2026-44907 / GHSA-wx67-qw84-cm4g: RSC DoS (CPU/OOM via Server Function requests). Fixed 19.2.8 on 19.2.x;
  // 19.3.0 was published after 19.2.8 (not confirmed from an advisory that 19.3.x is unaffected). Confidence: medium.
  { ids: ['CVE-2026-44907', 'GHSA-wx67-qw84-cm4g'], fixed: '19.2.8' },
];

export const MINIMUM_VERSIONS = {
  next: {
    minimum: '16.3.3',
    advisories: [
      // CVE-2025-29927 / GHSA-f82v-jwr5-mffw: middleware authorization bypass via spoofed x-middleware-subrequest.
      // Fixed 15.2.3 / 14.2.25 / 13.5.9 / 12.3.5; no 16.x release was affected. Confidence: high.
      { ids: ['CVE-2025-29927', 'GHSA-f82v-jwr5-mffw'], fixed: '16.0.0' },
      // CVE-2025-66478 / GHSA-9qr9-h5gf-34mp (Next.js side of CVE-2025-55182, "React2Shell"): RCE in the RSC Flight
      // protocol, App Router. Fixed 16.0.7 (15.x: 15.0.5 ... 15.5.7). Confidence: high.
      { ids: ['CVE-2025-66478', 'GHSA-9qr9-h5gf-34mp'], fixed: '16.0.7' },
      // CVE-2025-55184 (RSC DoS), CVE-2025-55183 (Server Action source exposure), CVE-2025-67779 (incomplete DoS
      // fix). Fixed 16.0.10 (15.5.x: 15.5.9), per Next.js security update 2025-12-11. Confidence: high.
      { ids: ['CVE-2025-55184', 'CVE-2025-55183', 'CVE-2025-67779'], fixed: '16.0.10' },
      // CVE-2026-23864: RSC DoS (Jan 2026). Fixed 16.0.11 / 16.1.5 (Vercel summary). Confidence: medium-high.
      { ids: ['CVE-2026-23864'], fixed: '16.1.5' },
      // CVE-2026-23869 / GHSA-q4gf-8mx6-v5v3: RSC DoS (Apr 2026). Fixed 16.2.3 / 15.5.15. Confidence: medium-high.
      { ids: ['CVE-2026-23869', 'GHSA-q4gf-8mx6-v5v3'], fixed: '16.2.3' },
      // May 2026 release (13 advisories): CVE-2026-44578 WebSocket-upgrade SSRF, CVE-2026-44575 + GHSA-26hh-7cqf-hhc6
      // segment-prefetch middleware bypass (+ incomplete-fix follow-up), GHSA-492v-c6pp-mqqv route-param middleware
      // bypass, CVE-2026-44573 i18n middleware bypass, CVE-2026-44579 Cache Components connection exhaustion,
      // CVE-2026-23870 RSC DoS, ... First fix 16.2.5 was incomplete; cumulative fix 16.2.6. Confidence: high.
      {
        ids: [
          'CVE-2026-44578',
          'CVE-2026-44575',
          'GHSA-26hh-7cqf-hhc6',
          'GHSA-492v-c6pp-mqqv',
          'CVE-2026-44573',
          'CVE-2026-44579',
          'CVE-2026-23870',
        ],
        fixed: '16.2.6',
      },
      // July 2026 release (CVE-2026-64641 ... CVE-2026-64649): e.g. CVE-2026-64641 Server Actions DoS
      // (>=16.0.0 <16.2.11), CVE-2026-64642 authentication bypass. Fixed 16.2.11. Confidence: medium (downstream PRs).
      { ids: ['CVE-2026-64641', 'CVE-2026-64642'], fixed: '16.2.11' },
      // August 2026 release: GHSA-2xp9-vwfh-vxw4 unauthenticated RCE in Image Optimization (AVIF via libheif/sharp),
      // CVE-2026-75604 / GHSA-p293-qw3h-jr36 unauthenticated RCE on Windows-hosted servers. Both `>=16.0.0 <16.3.3`,
      // 16.2.x not patched. Fixed 16.3.3. Confidence: medium-high (advisory ranges quoted in many upgrade PRs).
      { ids: ['GHSA-2xp9-vwfh-vxw4', 'CVE-2026-75604'], fixed: '16.3.3' },
    ],
  },
  react: { minimum: '19.2.8', advisories: REACT_19_ADVISORIES },
  'react-dom': { minimum: '19.2.8', advisories: REACT_19_ADVISORIES },
  'next-auth': {
    minimum: '4.24.15',
    advisories: [
      // GHSA-v64w-49xw-qq89: possible user mocking that bypasses basic authentication (middleware). Fixed 4.24.5.
      // Confidence: high (npm audit output quoted downstream).
      { ids: ['GHSA-v64w-49xw-qq89'], fixed: '4.24.5' },
      // GHSA-5jpx-9hw9-2fx4: email sign-in link misdelivered to an attacker mailbox (nodemailer address parsing).
      // Fixed 4.24.12. Confidence: high.
      { ids: ['GHSA-5jpx-9hw9-2fx4'], fixed: '4.24.12' },
      // GHSA-7rqj-j65f-68wh: email normalizer validates before Unicode normalization (homoglyph "@" bypass),
      // affects >=4.10.3 <4.24.15. Fixed 4.24.15 (and 5.0.0-beta.32). Confidence: medium-high.
      { ids: ['GHSA-7rqj-j65f-68wh'], fixed: '4.24.15' },
      // GHSA-x445-f3h2-j279: OAuth state/nonce/PKCE check cookies not bound to the provider that created them
      // (<= 4.24.14). Fixed 4.24.15. Confidence: medium-high.
      { ids: ['GHSA-x445-f3h2-j279'], fixed: '4.24.15' },
    ],
  },
};
