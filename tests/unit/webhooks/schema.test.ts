/**
 * The partner's webhook URL as the admin enters it (issue 12): accept/reject tables with the message keys the
 * form shows (each key has a German text), then fuzzing: parsing never throws, and whatever is accepted is an
 * absolute http(s) URL in canonical form without credentials or fragment, within the length limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import de from '@/lib/i18n/messages/de.json';
import en from '@/lib/i18n/messages/en.json';
import { partnerWebhookInput, setPartnerWebhookInput } from '@/lib/partners/schema';
import { WEBHOOK_URL_MAX_LENGTH, webhookUrl } from '@/lib/webhooks/schema';

const PARTNER_ID = '0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5d';
const schema = webhookUrl();

function messageOf(input: unknown): string | undefined {
  return schema.safeParse(input).error?.issues[0]?.message;
}

const textOf = (messages: unknown, key: string) =>
  key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);

describe('webhookUrl', () => {
  it.each([
    ['https://fallsystem.partner.example/hooks/vermittlung', 'https://fallsystem.partner.example/hooks/vermittlung'],
    [
      '  https://Fallsystem.Partner.EXAMPLE:8443/Hooks?x=1&token=abc  ',
      'https://fallsystem.partner.example:8443/Hooks?x=1&token=abc',
    ],
    ['https://fallsystem.partner.example', 'https://fallsystem.partner.example/'],
    ['https://fallsystem.partner.example:443/hooks', 'https://fallsystem.partner.example/hooks'],
    ['https://bücher.example/hooks', 'https://xn--bcher-kva.example/hooks'],
    ['https://[2001:db8::1]/hooks', 'https://[2001:db8::1]/hooks'],
    // Allowed by the schema; the server refuses http in production (lib/webhooks/policy.ts).
    ['http://127.0.0.1:4000/hooks', 'http://127.0.0.1:4000/hooks'],
  ])('accepts %j as %j', (input, stored) => {
    expect(schema.parse(input)).toBe(stored);
  });

  it.each([
    ['', 'errors.required'],
    ['   ', 'errors.required'],
    [undefined, 'errors.required'],
    [42, 'errors.required'],
    [`https://partner.example/${'a'.repeat(WEBHOOK_URL_MAX_LENGTH)}`, 'errors.tooLong'],
    ['fallsystem.partner.example/hooks', 'partners.errors.webhookUrlFormat'],
    ['/hooks', 'partners.errors.webhookUrlFormat'],
    ['ftp://partner.example/hooks', 'partners.errors.webhookUrlFormat'],
    ['javascript:alert(1)', 'partners.errors.webhookUrlFormat'],
    ['file:///etc/passwd', 'partners.errors.webhookUrlFormat'],
    ['https://', 'partners.errors.webhookUrlFormat'],
    ['https://partner .example/hooks', 'partners.errors.webhookUrlFormat'],
    ['https://partner.example/ho oks', 'partners.errors.webhookUrlFormat'],
    // The URL parser would drop these silently and send somewhere else than what the admin read.
    ['https://part\tner.example/hooks', 'partners.errors.webhookUrlFormat'],
    ['https://partner.example/ho\noks', 'partners.errors.webhookUrlFormat'],
    ['https://partner\u200B.example/hooks', 'partners.errors.webhookUrlFormat'],
    ['https://user:secret@partner.example/hooks', 'partners.errors.webhookUrlCredentials'],
    ['https://user@partner.example/hooks', 'partners.errors.webhookUrlCredentials'],
    ['https://partner.example/hooks#section', 'partners.errors.webhookUrlFragment'],
    ['https://partner.example/hooks#', 'partners.errors.webhookUrlFragment'],
  ])('refuses %j with %s', (input, key) => {
    expect(messageOf(input)).toBe(key);
  });

  it('has a German and an English text for every message key', () => {
    for (const key of [
      'webhookUrlFormat',
      'webhookUrlCredentials',
      'webhookUrlFragment',
      'webhookHttpsRequired',
      'webhookAddressRefused',
      'webhookNotConfigured',
    ]) {
      expect(textOf(de, `partners.errors.${key}`), key).toEqual(expect.any(String));
      expect(textOf(en, `partners.errors.${key}`), key).toEqual(expect.any(String));
    }
  });

  it('never throws, and what it accepts is a canonical http(s) URL without credentials or fragment', () => {
    const candidates = fc.oneof(
      fc.string(),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .tuple(fc.constantFrom('https://', 'http://', 'https://u:p@', ' HTTPS://'), fc.string(), fc.webPath())
        .map(([scheme, host, path]) => `${scheme}${host}${path}`),
    );
    fc.assert(
      fc.property(candidates, (input) => {
        const result = schema.safeParse(input);
        if (!result.success) return;
        const url = new URL(result.data);
        expect(['http:', 'https:']).toContain(url.protocol);
        expect(url.href).toBe(result.data);
        expect(url.username + url.password + url.hash).toBe('');
        expect(result.data).not.toMatch(/[\s#]/);
        expect(result.data.length).toBeLessThanOrEqual(WEBHOOK_URL_MAX_LENGTH);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the webhook actions\u2019 inputs', () => {
  it('name the partner and the version the admin saw', () => {
    expect(
      setPartnerWebhookInput.parse({ partnerId: PARTNER_ID.toUpperCase(), version: 3, url: 'https://p.example/h' }),
    ).toEqual({ partnerId: PARTNER_ID, version: 3, url: 'https://p.example/h' });
    expect(partnerWebhookInput.parse({ partnerId: PARTNER_ID, version: 3 })).toEqual({
      partnerId: PARTNER_ID,
      version: 3,
    });
  });

  it.each([
    [{ partnerId: 'nope', version: 3 }, 'errors.reload'],
    [{ partnerId: PARTNER_ID, version: 1.5 }, 'errors.reload'],
    [{ partnerId: PARTNER_ID }, 'errors.reload'],
  ])('refuses %j', (input, key) => {
    expect(partnerWebhookInput.safeParse(input).error?.issues[0]?.message).toBe(key);
  });

  it('refuses unknown fields: a secret cannot be sent along', () => {
    const result = setPartnerWebhookInput.safeParse({
      partnerId: PARTNER_ID,
      version: 3,
      url: 'https://p.example/h',
      secret: 'whsec_AAAA',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});
