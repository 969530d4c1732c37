import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { EventList } from '@/components/audit-log/event-list';
import { listBreakGlassViews } from '@/lib/audit-log/queries';
import { requirePermission, titleFor } from '@/lib/auth/guards';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('audit:oversee', 'auditLog.oversight', 'title');
}

/**
 * "Notfallzugriffe": every break-glass view of a referral's contents, with the auditor's reason, shown to
 * admins so that the directorate knows of each one (issue 13). Lists auditors' entries, no referral contents.
 */
export default async function BreakGlassOversightPage() {
  await requirePermission('audit:oversee');
  const [views, t] = await Promise.all([listBreakGlassViews(), getTranslations('auditLog.oversight')]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p className="max-w-prose">{t('intro')}</p>
      {views.length === 0 ? (
        <p data-testid="break-glass-none">{t('none')}</p>
      ) : (
        <EventList events={views} personHref={null} traceLinks={false} testId="break-glass-views" />
      )}
    </div>
  );
}
