'use client';

import { useState } from 'react';

import { useText } from '@/components/i18n/client-texts';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { retryDeliveryAction } from '@/lib/review/actions';

/** "Zustellung gestört": a partner's system keeps refusing the delivery; the supervisor can retry it now. */
export function DeliveryTrouble({ referralId, partners }: { referralId: string; partners: string[] }) {
  const text = useText();
  const t = (key: string) => text(`review.delivery.${key}`);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);

  async function retry() {
    setPending(true);
    const result = await retryDeliveryAction({ referralId }).catch(() => null);
    setPending(false);
    setMessage(
      result?.ok ? { tone: 'success', text: t('retried') } : { tone: 'error', text: result?.message ?? t('failed') },
    );
  }

  return (
    <Alert tone="warning" testId="delivery-trouble">
      <p className="font-semibold">
        {t('trouble')}: {partners.join(', ')}
      </p>
      <p className="max-w-prose">{t('troubleHint')}</p>
      {message && (
        <p role={message.tone === 'error' ? 'alert' : 'status'} className="mt-2 font-semibold">
          {message.text}
        </p>
      )}
      <Button type="button" variant="secondary" disabled={pending} onClick={() => void retry()}>
        {t('retry')}
      </Button>
    </Alert>
  );
}
