import 'server-only';

import { createHmac } from 'node:crypto';

import { RateLimiterPrisma, type RateLimiterAbstract } from 'rate-limiter-flexible';

import { hashKey } from '@/lib/crypto/derive';
import { db } from '@/lib/db';

/**
 * Sign-in throttling (ASVS 6.3.1, BSI ORP.4.A22), with the counters in PostgreSQL (rate-limiter-flexible)
 * so that every app instance shares them:
 * - per account: 5 failed attempts lock it, for 15 minutes the first time and twice as long each time
 *   again within a week (up to 24 hours); an admin can unlock it;
 * - per client address: 30 failed attempts within 15 minutes block that address until the 15 minutes end.
 * Unknown accounts are counted and locked exactly like real ones, so that lockout reveals nothing.
 * Keys are keyed hashes: neither typed e-mail addresses nor IP addresses are stored.
 */
export const MAX_ACCOUNT_FAILURES = 5;
const MAX_ADDRESS_FAILURES = 30;
const FIRST_LOCK_SECONDS = 15 * 60;
const MAX_LOCK_SECONDS = 24 * 60 * 60;

type Limiters = {
  accountFailures: RateLimiterAbstract;
  accountLocks: RateLimiterAbstract;
  addressFailures: RateLimiterAbstract;
};
let limiters: Limiters | undefined;

function getLimiters(): Limiters {
  limiters ??= {
    accountFailures: new RateLimiterPrisma({
      storeClient: db(),
      tableName: 'rateLimit',
      keyPrefix: 'acct',
      points: MAX_ACCOUNT_FAILURES,
      duration: 24 * 60 * 60,
    }),
    accountLocks: new RateLimiterPrisma({
      storeClient: db(),
      tableName: 'rateLimit',
      keyPrefix: 'lock',
      points: 1_000,
      duration: 7 * 24 * 60 * 60,
    }),
    addressFailures: new RateLimiterPrisma({
      storeClient: db(),
      tableName: 'rateLimit',
      keyPrefix: 'addr',
      points: MAX_ADDRESS_FAILURES,
      duration: 15 * 60,
    }),
  };
  return limiters;
}

export type ThrottleKeys = { account: string; address: string | null };

function keyed(kind: string, value: string): string {
  return createHmac('sha256', hashKey('sign-in-throttle')).update(`${kind}:${value}`).digest('base64url').slice(0, 32);
}

export function throttleKeys(email: string, clientAddress: string | null): ThrottleKeys {
  return {
    account: keyed('account', email.trim().toLowerCase()),
    address: clientAddress ? keyed('address', clientAddress) : null,
  };
}

/** Lock length after the n-th lockout within a week: 15 min, 30 min, 1 h, … up to 24 h. */
export function lockSeconds(lockout: number): number {
  return Math.min(FIRST_LOCK_SECONDS * 2 ** Math.max(0, lockout - 1), MAX_LOCK_SECONDS);
}

/** Whether the account itself is locked now (the address is not looked at), for the admin's view. */
export async function isAccountLocked(email: string): Promise<boolean> {
  const { account } = throttleKeys(email, null);
  const failures = await getLimiters().accountFailures.get(account);
  return (failures?.consumedPoints ?? 0) > MAX_ACCOUNT_FAILURES;
}

/** One check of a secret under way: which count it took, so that its end can be booked against it. */
export type Attempt = { keys: ThrottleKeys; accountCount: number };

/**
 * Starts one check of a password or code. The attempt is counted before the secret is looked at (one
 * atomic increment), so that requests sent in parallel cannot all pass the gate before the first failure
 * is booked. Null: the account is locked or the address blocked; such a refused attempt is not counted.
 */
export async function beginAttempt(keys: ThrottleKeys): Promise<Attempt | null> {
  const { accountFailures, addressFailures } = getLimiters();
  const [account, address] = await Promise.all([
    accountFailures.penalty(keys.account, 1),
    keys.address ? addressFailures.penalty(keys.address, 1) : null,
  ]);
  // A lock set by `block` counts one more than allowed.
  const accountLocked = account.consumedPoints > MAX_ACCOUNT_FAILURES;
  const addressBlocked = (address?.consumedPoints ?? 0) > MAX_ADDRESS_FAILURES;
  if (accountLocked || addressBlocked) {
    // A refused attempt is not counted where it was not the reason: a blocked address cannot lock someone's
    // account. Where it was the reason, the point stays: giving it back could undo a lock that a parallel
    // attempt has just set (`block` resets the count, and a later give-back would take it below the limit).
    await Promise.all([
      accountLocked ? null : accountFailures.reward(keys.account, 1),
      keys.address && !addressBlocked ? addressFailures.reward(keys.address, 1) : null,
    ]);
    return null;
  }
  return { keys, accountCount: account.consumedPoints };
}

/**
 * Books the end of an attempt:
 * - `failed`: it stays counted; the attempt that reached the limit locks the account (true is returned);
 * - `passed`: the secret was right but a second factor is still to come: the count of consecutive
 *   failures stays, so a known password does not buy fresh guesses at the code;
 * - `completed`: the person is fully signed in: the count starts again (earlier lockouts still count).
 */
export async function endAttempt(attempt: Attempt, outcome: 'failed' | 'passed' | 'completed'): Promise<boolean> {
  const { keys } = attempt;
  const { accountFailures, accountLocks } = getLimiters();
  if (outcome === 'failed') {
    if (attempt.accountCount !== MAX_ACCOUNT_FAILURES) return false;
    const locks = await accountLocks.penalty(keys.account, 1);
    await accountFailures.block(keys.account, lockSeconds(locks.consumedPoints));
    return true;
  }
  await giveBack(keys);
  if (outcome === 'completed') await accountFailures.delete(keys.account);
  return false;
}

async function giveBack(keys: ThrottleKeys): Promise<void> {
  const { accountFailures, addressFailures } = getLimiters();
  await Promise.all([
    accountFailures.reward(keys.account, 1),
    keys.address ? addressFailures.reward(keys.address, 1) : null,
  ]);
}

/** Admin unlock: the account may try again at once, and its lock history is forgotten. */
export async function unlockAccount(email: string): Promise<void> {
  const { account } = throttleKeys(email, null);
  const { accountFailures, accountLocks } = getLimiters();
  await Promise.all([accountFailures.delete(account), accountLocks.delete(account)]);
}
