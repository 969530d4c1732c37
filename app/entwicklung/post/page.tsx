import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { factsClass } from '@/components/ui/facts';
import { requireDevelopment } from '@/lib/auth/guards';
import { env } from '@/lib/env';
import { listMails, mailDirectory } from '@/lib/mail/dev-store';
import { TIME_ZONE } from '@/lib/time/berlin';

// Reads the mail directory on every request (and never at build time, where there is no configuration).
export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  // In production the page is "not found", and its tab says so too.
  if (env().NODE_ENV === 'production') return { title: (await getTranslations('notFound'))('title') };
  return { title: 'Post (Entwicklung)' };
}

const when = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'medium', timeZone: TIME_ZONE });

/**
 * Development only: the e-mails the app sent, as the local mail server of `npm run dev` kept them
 * (lib/mail/dev-server.ts). No sign-in, because a notice holds no personal data by construction
 * (lib/mail/partner-notice.ts); read-only; files only by the names the store made. In production the page
 * is "not found" for everyone (requireDevelopment). Not translated: a tool for developers, never shown to
 * users.
 */
export default async function DevelopmentMailPage() {
  await requireDevelopment();
  const config = env();
  const { total, mails } = await listMails(mailDirectory(config.DATA_DIR));

  return (
    <main id="main" lang="de" className="mx-auto max-w-3xl space-y-5 px-4 py-6">
      <h1 className="text-2xl font-bold">Post (nur Entwicklung)</h1>
      <p className="max-w-prose text-slate-700">
        Die E-Mails, die die Anwendung verschickt hat, neueste zuerst. <code>npm run dev</code> startet ohne{' '}
        <code>SMTP_URL</code> einen Mailserver auf diesem Rechner, der jede Nachricht in{' '}
        <code className="[overflow-wrap:anywhere]">{config.DATA_DIR}/mail</code> ablegt; nichts davon verlässt den
        Rechner.
      </p>
      {mails.length === 0 ? (
        <p className="rounded-md border-l-4 border-slate-400 bg-slate-50 p-4">Noch keine E-Mails.</p>
      ) : (
        <>
          {total > mails.length && (
            <p className="text-sm text-slate-700">
              Die neuesten {mails.length} von {total} E-Mails.
            </p>
          )}
          <ul className="space-y-3" data-testid="mail-list">
            {mails.map((mail, index) => (
              <li key={mail.file} className="rounded-lg border border-slate-300 bg-white p-4">
                <h2 className="text-lg font-bold [overflow-wrap:anywhere]">{mail.subject || '(ohne Betreff)'}</h2>
                <dl className={`${factsClass} mt-2 text-sm`}>
                  <dt className="font-semibold">An</dt>
                  <dd>{mail.to}</dd>
                  <dt className="font-semibold">Von</dt>
                  <dd>{mail.from}</dd>
                  <dt className="font-semibold">Datum</dt>
                  <dd>{mail.date ? when.format(mail.date) : '–'}</dd>
                </dl>
                <details className="mt-3" open={index === 0}>
                  <summary className="inline-flex min-h-11 cursor-pointer items-center font-semibold underline underline-offset-4">
                    Text anzeigen
                  </summary>
                  <pre className="mt-2 rounded-md bg-slate-50 p-3 font-sans text-sm [overflow-wrap:anywhere] whitespace-pre-wrap">
                    {mail.text || '(kein Text)'}
                  </pre>
                </details>
              </li>
            ))}
          </ul>
        </>
      )}
    </main>
  );
}
