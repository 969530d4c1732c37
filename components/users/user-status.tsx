import { getTranslations } from 'next-intl/server';

const BADGE = 'inline-block rounded px-2 py-0.5 text-sm font-semibold';

/** Aktiv / deaktiviert, and gesperrt while a sign-in lockout lasts. Words, not colours alone (WCAG 1.4.1). */
export async function UserStatus({ active, locked }: { active: boolean; locked: boolean }) {
  const t = await getTranslations('users.status');
  return (
    <span className="inline-flex flex-wrap gap-1" data-testid="user-status">
      <span className={`${BADGE} ${active ? 'bg-green-100 text-green-900' : 'bg-slate-200 text-slate-900'}`}>
        {active ? t('active') : t('disabled')}
      </span>
      {locked && <span className={`${BADGE} bg-red-100 text-red-900`}>{t('locked')}</span>}
    </span>
  );
}
