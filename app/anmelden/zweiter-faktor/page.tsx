import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import QRCode from 'qrcode';

import { Header } from '@/components/app-shell/header';
import { SignOutButton } from '@/components/app-shell/sign-out-button';
import { SkipLink } from '@/components/app-shell/skip-link';
import { SecondFactorForm } from '@/components/auth/second-factor-form';
import { pendingEnrolment } from '@/lib/auth/mfa/service';
import { formatSecretForTyping } from '@/lib/auth/mfa/totp';
import { safeNextPath } from '@/lib/auth/next-path';
import { getSession } from '@/lib/auth/guards';
import { env } from '@/lib/env';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('secondFactor'))('title') };
}

/**
 * The only page a session that still owes its second factor can reach: enrolment (QR code rendered here,
 * on the server) or the code prompt. A complete session goes straight on to `next`.
 */
export default async function SecondFactorPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const session = await getSession();
  if (!session) redirect('/anmelden');
  const { next } = await searchParams;
  const target = safeNextPath(typeof next === 'string' ? next : undefined, new URL(env().APP_URL).origin);
  if (session.secondFactor === 'DONE') redirect(target);

  const t = await getTranslations('secondFactor');
  const enrolment = session.secondFactor === 'ENROL' ? await pendingEnrolment(session) : null;
  // An SVG shown as an image, never as markup in the page: whatever it contained could not run or reach the DOM.
  const qrImage = enrolment
    ? `data:image/svg+xml;base64,${Buffer.from(
        await QRCode.toString(enrolment.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }),
      ).toString('base64')}`
    : null;

  return (
    <>
      <SkipLink />
      <Header navItems={[]} />
      <main id="main" className="mx-auto max-w-md space-y-5 px-4 py-8">
        <h1 className="text-2xl font-bold">{enrolment ? t('enrolTitle') : t('verifyTitle')}</h1>
        {enrolment && qrImage ? (
          <>
            <p>{t('enrolIntro')}</p>
            <ol className="list-decimal space-y-3 pl-5">
              <li>
                {t('enrolStep1')}
                {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL, nothing for next/image to optimise */}
                <img
                  src={qrImage}
                  alt={t('qrLabel')}
                  className="mt-2 block w-52 border border-slate-300 bg-white p-1"
                />
                {/* On the phone that holds the app the QR code cannot be scanned: the link opens the app. */}
                <a href={enrolment.uri} className="text-brand-800 mt-2 inline-flex min-h-11 items-center underline">
                  {t('openInApp')}
                </a>
              </li>
              <li>
                {t('enrolStep2')}
                <p className="mt-1 font-mono text-base" data-testid="totp-secret">
                  <span className="sr-only">{t('secretLabel')}: </span>
                  {formatSecretForTyping(enrolment.secret)}
                </p>
              </li>
              <li>{t('enrolStep3')}</li>
            </ol>
          </>
        ) : (
          <p>{t('verifyIntro')}</p>
        )}
        <SecondFactorForm mode={enrolment ? 'enrol' : 'verify'} next={target} />
        <div className="border-t border-slate-200 pt-4">
          <SignOutButton label={t('cancel')} />
        </div>
      </main>
    </>
  );
}
