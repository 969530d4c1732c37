import type { Gender, Track } from '@/lib/routing/values';

/** A partner as its form shows it: calendar days (`YYYY-MM-DD`), the last active day inclusive ('' = open). */
export type PartnerForEdit = {
  id: string;
  code: string;
  name: string;
  kind: 'VICTIM_SUPPORT' | 'PERPETRATOR_PROGRAMME';
  tracks: Track[];
  genders: Gender[];
  phone: string;
  address: string;
  notificationEmail: string;
  activeFrom: string;
  activeTo: string;
  languages: string[];
  description: string;
  version: number;
};

/** The partner's webhook as the admin's page shows it: never the secret, only since when one exists. */
export type PartnerWebhookDto = {
  partnerId: string;
  version: number;
  url: string | null;
  /** When the current secret was made (ISO instant); null: none. */
  secretSince: string | null;
};
