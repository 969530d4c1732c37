import { getTranslations } from 'next-intl/server';

import { StatusTabs } from '@/components/ui/status-tabs';

const TABS = [
  { key: 'search', href: '/protokoll' },
  { key: 'trace', href: '/protokoll/vermittlung' },
  { key: 'chain', href: '/protokoll/integritaet' },
] as const;

/** The auditor's three views of the trail: search, "who saw it?", and the chain's integrity. */
export async function AuditLogTabs({ current }: { current: (typeof TABS)[number]['key'] }) {
  const t = await getTranslations('auditLog.tabs');
  return (
    <StatusTabs
      label={t('label')}
      testId="audit-log-tabs"
      tabs={TABS.map((tab) => ({ key: tab.key, href: tab.href, text: t(tab.key), current: tab.key === current }))}
    />
  );
}
