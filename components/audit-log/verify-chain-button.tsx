'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

import { useHydrated } from '@/components/forms/use-hydrated';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { verifyAuditChainAction } from '@/lib/audit-log/actions';

/** "Jetzt prüfen": verifies what was added since the last checkpoint; the list above then shows the result. */
export function VerifyChainButton() {
  const t = useTranslations('auditLog');
  const router = useRouter();
  const hydrated = useHydrated();
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  function verify() {
    setMessage(null);
    startTransition(async () => {
      const result = await verifyAuditChainAction().catch(() => null);
      if (!result) setMessage({ tone: 'error', text: t('networkError') });
      else if (!result.ok) setMessage({ tone: 'error', text: result.message });
      else {
        const { brokenAt, eventId } = result.data;
        setMessage(
          brokenAt === null
            ? { tone: 'success', text: t('chain.verified', { id: eventId }) }
            : { tone: 'error', text: t('chain.broken', { id: brokenAt }) },
        );
        router.refresh();
      }
    });
  }

  return (
    <div className="space-y-2">
      {message && (
        <Alert tone={message.tone} announce testId="verify-result">
          {message.text}
        </Alert>
      )}
      <button type="button" onClick={verify} disabled={!hydrated || pending} className={buttonClass('primary')}>
        {pending ? t('chain.verifying') : t('chain.verifyNow')}
      </button>
    </div>
  );
}
