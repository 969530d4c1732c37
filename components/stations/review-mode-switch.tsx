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
  const to: ReviewMode = station.reviewMode === 'FOUR_EYES' ? 'DIRECT' : 'FOUR_EYES';

  async function onClick() {
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
      <Button type="button" variant="secondary" disabled={pending} onClick={() => void onClick()}>
        {t(`switchTo.${to}`)}
        <span className="sr-only"> ({station.name})</span>
      </Button>
      {prompt}
    </div>
  );
}
