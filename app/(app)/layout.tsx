import type { ReactNode } from 'react';

import { Header, type NavItem } from '@/components/app-shell/header';
import { SkipLink } from '@/components/app-shell/skip-link';
import { can } from '@/lib/auth/permissions';
import { requireUser } from '@/lib/auth/guards';

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const actor = await requireUser();
  const navItems: NavItem[] = [
    ...(can(actor.role, 'referral:create') ? [{ href: '/vermittlungen/neu', labelKey: 'newReferral' } as const] : []),
    ...(can(actor.role, 'referral:read-own') ? [{ href: '/vermittlungen', labelKey: 'myReferrals' } as const] : []),
    ...(can(actor.role, 'review:read') ? [{ href: '/pruefung', labelKey: 'review' } as const] : []),
    ...(can(actor.role, 'inbox:read') ? [{ href: '/eingang', labelKey: 'inbox' } as const] : []),
    ...(can(actor.role, 'users:manage') ? [{ href: '/verwaltung/benutzer', labelKey: 'users' } as const] : []),
    ...(can(actor.role, 'partners:manage') ? [{ href: '/verwaltung/partner', labelKey: 'partners' } as const] : []),
    ...(can(actor.role, 'routing:manage')
      ? [{ href: '/verwaltung/zustaendigkeit', labelKey: 'responsibilities' } as const]
      : []),
    ...(can(actor.role, 'stations:manage')
      ? [{ href: '/verwaltung/dienststellen', labelKey: 'stations' } as const]
      : []),
    ...(can(actor.role, 'retention:manage')
      ? [{ href: '/verwaltung/aufbewahrung', labelKey: 'retention' } as const]
      : []),
    ...(can(actor.role, 'audit:read') ? [{ href: '/protokoll', labelKey: 'auditLog' } as const] : []),
    ...(can(actor.role, 'statistics:read') ? [{ href: '/statistik', labelKey: 'statistics' } as const] : []),
    ...(can(actor.role, 'audit:oversee')
      ? [{ href: '/verwaltung/notfallzugriffe', labelKey: 'breakGlass' } as const]
      : []),
    ...(can(actor.role, 'routing:read')
      ? [{ href: '/wer-ist-zustaendig', labelKey: 'whoIsResponsible' } as const]
      : []),
  ];
  return (
    <>
      <SkipLink />
      <Header
        user={{ displayName: actor.displayName, role: actor.role }}
        navItems={navItems}
        accountLink={can(actor.role, 'account:change-password')}
      />
      <main id="main" className="mx-auto max-w-5xl px-4 py-6">
        {children}
      </main>
    </>
  );
}
