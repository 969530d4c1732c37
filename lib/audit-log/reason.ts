/**
 * A break-glass reason is kept for good in the audit trail and shown to admins: it must not carry the person's
 * data it is about to open (issue 13). Checked against the referral itself, on the server, before anything
 * is shown: its people's names, phone numbers and the Vorgangsnummer, however spaced or written. Pure.
 */
export type KnownData = { names: readonly string[]; phones: readonly string[]; caseNumber: string | null };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `reason` names one of the people (a name part of 3 letters or more, as a word), a phone or the case. */
export function reasonNamesThePerson(reason: string, known: KnownData): boolean {
  const text = reason.normalize('NFC');
  const nameParts = known.names
    .flatMap((name) => name.normalize('NFC').split(/[\s'’.-]+/u))
    .filter((p) => p.length >= 3);
  if (nameParts.some((part) => new RegExp(`(?<![\\p{L}\\p{M}])${escape(part)}(?![\\p{L}\\p{M}])`, 'iu').test(text))) {
    return true;
  }
  const digits = text.replace(/\D/g, '');
  // A phone number's last seven digits, whichever prefix (+49, 0) and spacing it was written with.
  if (
    known.phones.some(
      (phone) => phone.replace(/\D/g, '').length >= 7 && digits.includes(phone.replace(/\D/g, '').slice(-7)),
    )
  ) {
    return true;
  }
  const caseNumber = known.caseNumber?.replace(/[^0-9A-Za-z]/g, '').toUpperCase() ?? '';
  return (
    caseNumber.length >= 4 &&
    text
      .replace(/[^0-9A-Za-z]/g, '')
      .toUpperCase()
      .includes(caseNumber)
  );
}
