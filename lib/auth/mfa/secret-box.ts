import { open, seal } from '@/lib/crypto/keyring';

/**
 * TOTP secrets at rest: sealed with the encryption keyring (lib/crypto/keyring.ts), bound to the account
 * they belong to. The secret a session is about to enrol is sealed the same way, so that confirming it can
 * move the sealed value from the session row to the account. Not server-only: the seed uses it too.
 */
/** What a TOTP secret is bound to: the account, whichever row holds it (also for lib/crypto/rotate.ts). */
export const totpContext = (userId: string) => `totp:${userId}`;

export const sealTotpSecret = (userId: string, secret: string): string => seal(secret, totpContext(userId));

/** The secret, or null when it cannot be opened (another account's, an unknown key, tampered with). */
export const openTotpSecret = (userId: string, sealed: string): string | null => open(sealed, totpContext(userId));
