import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { AuditLogTabs } from '@/components/audit-log/audit-log-tabs';
import { TraceLookup } from '@/components/audit-log/trace-lookup';
import { ScopedTranslations } from '@/components/i18n/scoped-translations';
import { requirePermission, titleFor } from '@/lib/auth/guards';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('audit:read', 'auditLog.trace', 'title');
}

/** "Wer hat gesehen?": find a referral by its Vorgangsnummer or id, then open its trace. */
export default async function TraceLookupPage() {
  await requirePermission('audit:read');
  const t = await getTranslations('auditLog');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('trace.title')}</h1>
      <AuditLogTabs current="trace" />
      <p className="max-w-prose">{t('trace.intro')}</p>
      <ScopedTranslations namespaces={['auditLog', 'errors', 'status']}>
        <TraceLookup />
      </ScopedTranslations>
    </div>
  );
}
