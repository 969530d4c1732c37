import { getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';
import { can } from '@/lib/auth/permissions';
import { requireUser } from '@/lib/auth/guards';

export default async function HomePage() {
  const actor = await requireUser();
  const t = await getTranslations();
  const mayRefer = can(actor.role, 'referral:create');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('home.title', { name: actor.displayName })}</h1>
      <p>{t('home.roleLine', { role: t(`roles.${actor.role}`) })}</p>
      {mayRefer ? (
        <>
          <p className="max-w-prose">{t('home.officerIntro')}</p>
          <div className="flex flex-col gap-3 sm:flex-row">
            <a href="/vermittlungen/neu" className={buttonClass('primary')}>
              {t('nav.newReferral')}
            </a>
            {can(actor.role, 'referral:read-own') && (
              <a href="/vermittlungen" className={buttonClass('secondary')}>
                {t('nav.myReferrals')}
              </a>
            )}
          </div>
        </>
      ) : can(actor.role, 'users:manage') ? (
        <>
          <p className="max-w-prose">{t('home.adminIntro')}</p>
          <a href="/verwaltung/benutzer" className={buttonClass('primary')}>
            {t('users.title')}
          </a>
        </>
      ) : (
        <p className="max-w-prose">
          {t('home.noFunctionsYet')}{' '}
          {t.has(`home.comingSoon.${actor.role}`) ? t(`home.comingSoon.${actor.role}`) : null}
        </p>
      )}
      {can(actor.role, 'account:change-password') && (
        <p className="max-w-prose text-slate-700">
          <a href="/konto" className="text-brand-800 underline">
            {t('home.accountHint')}
          </a>
        </p>
      )}
    </div>
  );
}
