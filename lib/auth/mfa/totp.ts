import { Secret, TOTP } from 'otpauth';

/**
 * TOTP as in RFC 6238 with the parameters every authenticator app understands: SHA-1, 6 digits, 30 s.
 * A code of the previous or next period is accepted (clock drift); the caller makes sure that no time
 * step is accepted twice (replay).
 */
const PERIOD_SECONDS = 30;
const ISSUER = 'Vermittlung HG';

function totp(base32Secret: string, label = ''): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(base32Secret),
  });
}

/** A new random secret (160 bits, as RFC 4226 recommends), base32 encoded. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(base32Secret: string, accountLabel: string): string {
  return totp(base32Secret, accountLabel).toString();
}

/** The base32 secret in groups of four, for typing it into an app by hand. */
export function formatSecretForTyping(base32Secret: string): string {
  return base32Secret.match(/.{1,4}/g)?.join(' ') ?? base32Secret;
}

/** The time step a code matches (now, one before or one after), or null. */
export function matchingTimeStep(base32Secret: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(base32Secret).validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

/** The current code: for the demo helper (`npm run demo:totp`) and the tests. */
export function currentTotpCode(base32Secret: string, now = Date.now()): string {
  return totp(base32Secret).generate({ timestamp: now });
}
