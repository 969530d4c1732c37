'use client';

import { useCallback } from 'react';

import { useText } from '@/components/i18n/client-texts';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClass } from '@/components/ui/button';
import { instantToBerlinLocal } from '@/lib/time/berlin';

export type Done = { kind: 'REFERRAL'; partners: string[]; approved?: boolean } | { kind: 'DECLINED' };

/**
 * What the officer sees once the server has taken the form: where it goes, and the next step. Loaded when
 * needed, outside the form route's first JavaScript.
 */
export default function SubmissionResult({
  id,
  done,
  correctionOf,
  onAnother,
}: {
  id: string;
  done: Done;
  /** The corrected referral, to go back to. */
  correctionOf?: string;
  /** Starts the next referral, with the current time in Berlin. */
  onAnother: (now: string) => void;
}) {
  const t = useText();
  // Shown in place of the form: the focus moves here, so that screen readers and keyboards follow.
  const focusOnMount = useCallback((element: HTMLDivElement | null) => element?.focus(), []);
  return (
    <div className="space-y-4">
      <div id={id} ref={focusOnMount} tabIndex={-1} className="outline-none">
        <Alert tone="success" announce testId="submit-success">
          {done.kind === 'REFERRAL'
            ? `${t(correctionOf ? 'referralForm.successCorrection' : done.approved ? 'referralForm.successDirect' : 'referralForm.successReferral')} ${done.partners.join(', ')}`
            : t('referralForm.successDeclined')}
        </Alert>
      </div>
      {correctionOf ? (
        <a href={`/vermittlungen/${correctionOf}`} className={buttonClass('secondary')}>
          {t('referralForm.backToReferral')}
        </a>
      ) : (
        <div className="flex flex-col gap-3 sm:flex-row">
          <Button type="button" onClick={() => onAnother(instantToBerlinLocal(new Date()))}>
            {t('referralForm.another')}
          </Button>
          <a href="/vermittlungen" className={buttonClass('secondary')}>
            {t('referralForm.toList')}
          </a>
        </div>
      )}
    </div>
  );
}
