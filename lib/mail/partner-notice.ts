/**
 * The notification e-mails to partner organisations (DESIGN.md section 6, issue 12): "something is waiting in
 * your inbox", with a link to it, and nothing else. A notice names no person, case, place, date or id: the
 * type below has no field that could carry one, so no caller can put personal data into a mail by mistake.
 * Mail leaves the police network and sits in mailboxes, backups and relays beyond the app's erasure (§ 17
 * NPOG, Art. 25 Directive (EU) 2016/680: data protection by design). Pure: no configuration, no I/O.
 */

export const PARTNER_NOTICE_KINDS = ['NEW', 'REMINDER', 'WITHDRAWN', 'WEBHOOK_CHANGED'] as const;
export type PartnerNoticeKind = (typeof PARTNER_NOTICE_KINDS)[number];

/**
 * NEW: a referral is waiting in the inbox. REMINDER: a referral waits for its acknowledgement past the
 * deadline. WITHDRAWN: a delivered referral was withdrawn (the person withdrew consent): delete every copy
 * kept outside the app; which one it is, the inbox shows. WEBHOOK_CHANGED: the directorate changed where the
 * partner's referrals are sent to its own case system (its webhook address or secret): a change the partner did
 * not agree on is a diversion of victims' data, and the partner is the one who can tell.
 */
export type PartnerNotice = { kind: PartnerNoticeKind };

export interface ComposedMail {
  subject: string;
  text: string;
}

/** Where the partner's inbox is: `<APP_URL>/eingang` (a path under APP_URL is kept). */
export function inboxUrl(appUrl: string): string {
  return `${appUrl.replace(/\/+$/, '')}/eingang`;
}

const SUBJECTS: Record<PartnerNoticeKind, string> = {
  NEW: 'Neue Vermittlung im Eingang',
  REMINDER: 'Erinnerung: Vermittlung wartet auf Ihre Bestätigung',
  WITHDRAWN: 'Vermittlung zurückgezogen: bitte Kopien löschen',
  WEBHOOK_CHANGED: 'Geändert: Übermittlung an Ihr eigenes Fallsystem',
};

const MESSAGES: Record<PartnerNoticeKind, readonly [situation: string, action: string]> = {
  NEW: [
    'im Eingang Ihrer Beratungsstelle wartet eine neue Vermittlung der Polizeidirektion Hannover.',
    'Bitte melden Sie sich an, öffnen Sie die Vermittlung und bestätigen Sie den Empfang:',
  ],
  REMINDER: [
    'im Eingang Ihrer Beratungsstelle wartet eine Vermittlung der Polizeidirektion Hannover, deren Empfang ' +
      'noch nicht bestätigt ist. Die vereinbarte Frist ist abgelaufen.',
    'Bitte melden Sie sich an und bestätigen Sie den Empfang:',
  ],
  WITHDRAWN: [
    'eine Vermittlung der Polizeidirektion Hannover an Ihre Beratungsstelle wurde zurückgezogen: Die ' +
      'betroffene Person hat ihre Einwilligung widerrufen. Bitte nehmen Sie keinen Kontakt auf und löschen ' +
      'Sie alle Angaben zu dieser Vermittlung, die Sie außerhalb der Anwendung aufbewahren (Ausdrucke, ' +
      'Notizen, Einträge in eigenen Systemen).',
    'Um welche Vermittlung es sich handelt, sehen Sie nach der Anmeldung im Eingang unter „Zurückgezogen“:',
  ],
  WEBHOOK_CHANGED: [
    'die Polizeidirektion Hannover hat geändert, wohin Vermittlungen an Ihre Beratungsstelle zusätzlich ' +
      'übermittelt werden (Adresse oder Geheimnis des Webhooks für Ihr eigenes Fallsystem). War diese ' +
      'Änderung nicht mit Ihnen abgestimmt, melden Sie das bitte sofort der Polizeidirektion.',
    'Ihre Vermittlungen sehen Sie weiterhin im Eingang:',
  ],
};

const FOOTER = [
  'Aus Gründen des Datenschutzes enthält diese Nachricht keine Angaben zur Person oder zum Vorgang.',
  'Diese Nachricht wurde automatisch erstellt; Antworten auf diese E-Mail werden nicht gelesen.',
];

/** Subject and plain-text body of a notice. German: the partners are organisations in the Region Hannover. */
export function composePartnerNotice(notice: PartnerNotice, appUrl: string): ComposedMail {
  const [situation, action] = MESSAGES[notice.kind];
  const text = ['Guten Tag,', situation, `${action}\n${inboxUrl(appUrl)}`, ...FOOTER].join('\n\n');
  return { subject: SUBJECTS[notice.kind], text: `${text}\n` };
}
