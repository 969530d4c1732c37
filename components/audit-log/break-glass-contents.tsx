'use client';

import { useTranslations } from 'next-intl';

import { TrackProjection } from '@/components/referral-form/track-projection';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import type { BreakGlassView } from '@/lib/audit-log/dto';

/** A referral's contents opened by break-glass: what each partner received, then "Inhalte schließen". */
export default function BreakGlassContents({
  view,
  languages,
  onClose,
}: {
  view: BreakGlassView;
  languages: { code: string; name: string }[];
  onClose: () => void;
}) {
  const t = useTranslations('auditLog.breakGlass');
  return (
    <div className="space-y-3" data-testid="break-glass-contents">
      <Alert tone="warning" announce>
        {t(view.erased ? 'erased' : 'opened')}
      </Alert>
      {view.tracks.map((track) => (
        <TrackProjection
          key={track.track}
          track={track.track}
          heading={t('sentTo', { partner: track.partnerName })}
          projection={track.projection}
          languages={languages}
          hideEmpty
        />
      ))}
      <button type="button" className={buttonClass('secondary')} onClick={onClose}>
        {t('hide')}
      </button>
    </div>
  );
}
