import { addressScope, bareAddress, type AddressScope } from '@/lib/webhooks/address';

/**
 * Where the webhook sender may connect (issue 12: no server-side request forgery through a partner's URL,
 * and no diversion of victims' data by whoever administers the app).
 *
 * - Production: https only, and only to hosts the deployment lists in `WEBHOOK_ALLOWED_HOSTS`: the app's
 *   admin sets a partner's URL, but cannot send referrals to a host that operations did not approve (two
 *   people, two places). A listed host may resolve to public addresses or to a private network (RFC 1918,
 *   unique local, carrier-grade NAT), e.g. a partner's case system inside the police network. Loopback,
 *   link-local (cloud metadata), unspecified, multicast and reserved addresses are never reached: nothing
 *   there is a partner.
 * - Development and tests: http too, and loopback (a receiver on this machine); everything else as above.
 *
 * The address is judged when the connection is made, on every address the name resolves to
 * (lib/webhooks/send.ts), so a name that resolves to something else a moment later (DNS rebinding) gains
 * nothing. Pure: the configuration comes in as arguments (`webhookPolicyFrom`).
 */
export type WebhookPolicy = {
  /** Only hosts of `allowedHosts` at all (production). */
  listedOnly: boolean;
  /** Plain http:// URLs (development and tests only). */
  allowHttp: boolean;
  /** Loopback addresses (development and tests only). */
  allowLoopback: boolean;
  /** Host names (lower case, no trailing dot) that may resolve to a private network (production: the only ones). */
  allowedHosts: readonly string[];
};

/** The scopes a host of WEBHOOK_ALLOWED_HOSTS may resolve to besides public ones. */
const ALLOWED_HOST_SCOPES: ReadonlySet<AddressScope> = new Set(['PRIVATE', 'SHARED']);

/** The policy for a configuration: `production` is NODE_ENV === 'production'. */
export function webhookPolicyFrom({
  production,
  allowedHosts,
}: {
  production: boolean;
  allowedHosts: readonly string[];
}): WebhookPolicy {
  return {
    listedOnly: production,
    allowHttp: !production,
    allowLoopback: !production,
    allowedHosts: allowedHosts.map(normalHost),
  };
}

/** A host name as compared: lower case, without brackets and without the trailing dot of a full name. */
export function normalHost(hostname: string): string {
  return bareAddress(hostname.toLowerCase()).replace(/\.$/, '');
}

/** Whether a connection for `hostname` may go to `address` (one of the addresses the name resolved to). */
export function mayConnect(hostname: string, address: string, policy: WebhookPolicy): boolean {
  const scope = addressScope(address);
  if (scope === null) return false;
  if (policy.listedOnly && !policy.allowedHosts.includes(normalHost(hostname))) return false;
  if (scope === 'PUBLIC') return true;
  if (scope === 'LOOPBACK' && policy.allowLoopback) return true;
  return ALLOWED_HOST_SCOPES.has(scope) && policy.allowedHosts.includes(normalHost(hostname));
}

/** "localhost" and its subdomains always mean this host (RFC 6761), whatever DNS says. */
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * Why a partner's URL cannot be used under the policy, as far as the URL itself tells: the scheme, an IP
 * address written into it (connections to one are made without a name lookup, so the lookup's check would
 * not see it), a localhost name. Null: try it (the addresses a name resolves to are checked when connecting).
 */
export function urlRefusal(url: URL, policy: WebhookPolicy): 'SCHEME' | 'ADDRESS' | 'NOT_LISTED' | null {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) return 'SCHEME';
  if (url.username || url.password) return 'ADDRESS';
  const host = normalHost(url.hostname);
  if (!host) return 'ADDRESS';
  if (isLocalhostName(host) && !policy.allowLoopback) return 'ADDRESS';
  if (policy.listedOnly && !policy.allowedHosts.includes(host)) {
    return addressScope(host) !== null && !['PUBLIC', 'PRIVATE', 'SHARED'].includes(addressScope(host)!)
      ? 'ADDRESS'
      : 'NOT_LISTED';
  }
  if (isLocalhostName(host)) return policy.allowLoopback ? null : 'ADDRESS';
  if (addressScope(host) !== null && !mayConnect(host, host, policy)) return 'ADDRESS';
  return null;
}
