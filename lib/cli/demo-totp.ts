/**
 * `npm run demo:totp`: prints the current second-factor code of the demo accounts (README), for local use
 * without an authenticator app. The secret is public demo data; production accounts never have it.
 */
import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { DEMO_TOTP_SECRET } from '@/prisma/factories';

const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30);
process.stdout.write(`${currentTotpCode(DEMO_TOTP_SECRET)}  (noch ${secondsLeft} s gültig)\n`);
