'use server';

import { action } from '@/lib/actions';
import {
  createPartnerInput,
  partnerWebhookInput,
  setPartnerWebhookInput,
  updatePartnerInput,
} from '@/lib/partners/schema';
import {
  createPartner,
  removePartnerWebhook,
  rotatePartnerWebhookSecret,
  setPartnerWebhook,
  updatePartner,
} from '@/lib/partners/service';

/**
 * Partner administration. Every change needs the second factor proved within the last minutes (step-up,
 * ASVS 7.5.3): a partner's e-mail address and active days decide where victims' data goes.
 */
const MANAGE = { permission: 'partners:manage', stepUp: true } as const;

/** "Partnerstelle anlegen". */
export const createPartnerAction = action({ ...MANAGE, input: createPartnerInput }, createPartner);

/** "Änderungen speichern" (including the last active day: deactivation). */
export const updatePartnerAction = action({ ...MANAGE, input: updatePartnerInput }, updatePartner);

/**
 * The partner's webhook (issue 12): "Webhook speichern" (a first URL also makes the secret), "Neues Geheimnis
 * erzeugen", "Webhook entfernen". A new secret comes back in the result, the only time it is shown.
 */
export const setPartnerWebhookAction = action({ ...MANAGE, input: setPartnerWebhookInput }, setPartnerWebhook);

export const rotatePartnerWebhookSecretAction = action(
  { ...MANAGE, input: partnerWebhookInput },
  rotatePartnerWebhookSecret,
);

export const removePartnerWebhookAction = action({ ...MANAGE, input: partnerWebhookInput }, removePartnerWebhook);
