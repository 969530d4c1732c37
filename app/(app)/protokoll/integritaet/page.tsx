import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';

import { AuditLogTabs } from '@/components/audit-log/audit-log-tabs';
import { VerifyChainButton } from '@/components/audit-log/verify-chain-button';
import { ScopedTranslations } from '@/components/i18n/scoped-translations';
import { Alert } from '@/components/ui/alert';
import { auditChainState } from '@/lib/audit/verification';
import { requirePermission, titleFor } from '@/lib/auth/guards';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('audit:read', 'auditLog.chain', 'title');
}

/** The chain's verification state (issue 13): the latest checkpoints, each with its head hash and result. */
export default async function AuditChainPage() {
  await requirePermission('audit:read');
  const [state, t, format] = await Promise.all([auditChainState(), getTranslations('auditLog'), getFormatter()]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'medium' });
  const broken = state.checkpoints.find((checkpoint) => checkpoint.brokenAt !== null);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('chain.title')}</h1>
      <AuditLogTabs current="chain" />
      <p className="max-w-prose">{t('chain.intro')}</p>
      {broken && state.checkpoints[0]?.brokenAt && (
        <Alert tone="error" testId="chain-broken">
          {t('chain.broken', { id: state.checkpoints[0].brokenAt })}
        </Alert>
      )}
      <p className="font-semibold" data-testid="chain-head">
        {state.headAt
          ? t('chain.head', { count: Number(state.headEventId), at: when(state.headAt) })
          : t('chain.empty')}
      </p>
      <ScopedTranslations namespaces={['auditLog']}>
        <VerifyChainButton />
      </ScopedTranslations>
      <section aria-labelledby="checkpoints-heading" className="space-y-2">
        <h2 id="checkpoints-heading" className="text-xl font-bold">
          {t('chain.checkpoints')}
        </h2>
        {state.checkpoints.length === 0 ? (
          <p>{t('chain.none')}</p>
        ) : (
          <ol className="divide-y divide-slate-300" data-testid="checkpoints">
            {state.checkpoints.map((checkpoint) => (
              <li key={`${checkpoint.at.toISOString()}-${checkpoint.eventId}`} className="space-y-1 py-3">
                <p>
                  <span className="font-semibold">{when(checkpoint.at)}</span> · {t('chain.range')}{' '}
                  {checkpoint.verifiedFrom}–{checkpoint.eventId} ·{' '}
                  {checkpoint.brokenAt === null ? (
                    <span className="font-semibold text-green-900">{t('chain.intact')}</span>
                  ) : (
                    <span className="font-semibold text-red-900">
                      {t('chain.brokenAt', { id: checkpoint.brokenAt })}
                    </span>
                  )}
                </p>
                <p className="text-sm">
                  {t('chain.hash')}: <code className="font-mono text-xs break-all">{checkpoint.hash}</code>
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>
      <p className="max-w-prose text-sm text-slate-700">{t('chain.full')}</p>
    </div>
  );
}
