'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useState } from 'react';

import { useStepUp } from '@/components/auth/step-up-prompt';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { setReviewModeAction } from '@/lib/stations/actions';
import type { ReviewMode } from '@/lib/stations/values';

/** Switches one station between four-eyes review and direct dispatch (after a fresh second factor). */
export function ReviewModeSwitch({
  station,
  totpEnrolled,
}: {
  station: { id: string; name: string; reviewMode: ReviewMode };
  totpEnrolled: boolean;
}) {
  const t = useTranslations('stations');
  const router = useRouter();
  const { run, prompt } = useStepUp({ totpEnrolled, headingLevel: 3 });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Giving up the four-eyes review is asked twice: referrals of the station then leave unchecked.
  const [confirming, setConfirming] = useState(false);
  const to: ReviewMode = station.reviewMode === 'FOUR_EYES' ? 'DIRECT' : 'FOUR_EYES';

  async function onClick() {
    if (to === 'DIRECT' && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setPending(true);
    setError(null);
    const result = await run(
      () => setReviewModeAction({ stationId: station.id, from: station.reviewMode, to }),
      t('stepUpWhat', { station: station.name }),
    ).catch(() => null);
    setPending(false);
    if (result?.ok) router.refresh();
    else setError(result?.message ?? t('failed'));
  }

  return (
    <div className="space-y-2">
      {error && (
        <Alert tone="error" announce>
          {error}
        </Alert>
      )}
      {confirming ? (
        <div className="space-y-2 rounded-md border-l-4 border-amber-600 bg-amber-50 p-3" role="group">
          <p>{t('confirmDirect')}</p>
          <div className="flex flex-wrap gap-3">
            <Button type="button" disabled={pending} onClick={() => void onClick()}>
              {t('confirmDirectYes')}
              <span className="sr-only"> ({station.name})</span>
            </Button>
            <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
              {t('cancel')}
            </Button>
          </div>
        </div>
      ) : (
        <Button type="button" variant="secondary" disabled={pending} onClick={() => void onClick()}>
          {t(`switchTo.${to}`)}
          <span className="sr-only"> ({station.name})</span>
        </Button>
      )}
      {prompt}
    </div>
  );
}
