import { getTranslations } from 'next-intl/server';

import { LanguageSwitch } from '@/components/app-shell/language-switch';
import { SignOutButton } from '@/components/app-shell/sign-out-button';

export type NavItem = {
  href: string;
  labelKey:
    | 'newReferral'
    | 'myReferrals'
    | 'review'
    | 'inbox'
    | 'users'
    | 'stations'
    | 'partners'
    | 'responsibilities'
    | 'whoIsResponsible'
    | 'auditLog'
    | 'breakGlass'
    | 'retention'
    | 'statistics';
};

/**
 * Top bar: who is signed in, what their role may open (from the permission table), sign-out, language. The
 * own account sits next to sign-out rather than in the menu, so that the menu stays short on a phone.
 */
export async function Header({
  user,
  navItems,
  accountLink = false,
}: {
  user?: { displayName: string; role: string };
  navItems: NavItem[];
  /** Whether to link the own account ("Konto"). */
  accountLink?: boolean;
}) {
  const t = await getTranslations();
  return (
    <header className="bg-brand-900 text-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-2 px-4 py-1 sm:py-2">
        <div>
          {/* A phone keeps its height for the form: a short name, no second line (issue 10). */}
          <a href="/" className="text-base leading-tight font-bold sm:text-lg">
            <span className="sm:hidden">{t('app.shortTitle')}</span>
            <span className="hidden sm:inline">{t('app.title')}</span>
          </a>
          <p className="text-brand-100 hidden text-xs sm:block">{t('app.organisation')}</p>
        </div>
        <div className="flex flex-wrap items-center gap-x-2">
          <LanguageSwitch />
          {user && accountLink && (
            <a
              href="/konto"
              className="inline-flex min-h-11 items-center rounded px-2 text-sm underline underline-offset-4 hover:no-underline"
            >
              {t('nav.account')}
            </a>
          )}
          {user && <SignOutButton />}
        </div>
      </div>
      {user && (
        <div className="border-t border-white/15">
          <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 px-4">
            {navItems.length > 0 && (
              <nav aria-label={t('nav.label')}>
                <ul className="-mx-1.5 flex flex-wrap sm:mx-0">
                  {navItems.map((item) => (
                    <li key={item.href}>
                      <a
                        href={item.href}
                        className="inline-flex min-h-11 items-center px-1.5 text-sm font-semibold hover:underline sm:px-2"
                      >
                        {t(`nav.${item.labelKey}`)}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            <p className="text-brand-100 pb-1 text-xs sm:py-1" data-testid="signed-in-as">
              {t('app.signedInAs', { name: user.displayName, role: t(`roles.${user.role}`) })}
            </p>
          </div>
        </div>
      )}
    </header>
  );
}
