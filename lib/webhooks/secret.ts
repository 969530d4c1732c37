import { randomBytes } from 'node:crypto';

import { open, seal } from '@/lib/crypto/keyring';

/**
 * A partner's webhook secret (issue 12): the Standard Webhooks format, `whsec_` and the base64 of 32 random
 * bytes (the HMAC-SHA256 key), shown to the admin once to hand to the partner. At rest it is sealed with the
 * encryption keyring (lib/crypto/keyring.ts), bound to its partner: copied to another partner's row it no
 * longer opens.
 *
 * Not server-only, like lib/auth/mfa/secret-box.ts: `npm run keys:rotate` (plain Node, lib/crypto/rotate.ts)
 * re-seals these secrets with the context below. It never reaches a client bundle.
 */
const PREFIX = 'whsec_';

/** What a webhook secret is bound to (also for lib/crypto/rotate.ts). */
export const webhookSecretContext = (partnerId: string) => `Partner.webhookSecret:${partnerId}`;

/** A fresh secret, `whsec_<base64 of 32 random bytes>`. */
export const newWebhookSecret = (): string => `${PREFIX}${randomBytes(32).toString('base64')}`;

export const sealWebhookSecret = (partnerId: string, secret: string): string =>
  seal(secret, webhookSecretContext(partnerId));

/** The secret, or null when it cannot be opened (another partner's, an unknown key, tampered with). */
export function openWebhookSecret(partnerId: string, sealed: string): string | null {
  const secret = open(sealed, webhookSecretContext(partnerId));
  return secret?.startsWith(PREFIX) ? secret : null;
}
