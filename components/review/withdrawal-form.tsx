'use client';

import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';

import { useText } from '@/components/i18n/client-texts';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Choices } from '@/components/ui/choices';
import { inputClass } from '@/components/ui/field';
import { recordWithdrawalAction } from '@/lib/review/actions';
import { WITHDRAWAL_CHANNELS } from '@/lib/review/values';
import { queueAfterDecision } from '@/lib/review/queue-url';

type WithdrawingPerson = 'VICTIM' | 'PERPETRATOR';
type WithdrawalChannel = (typeof WITHDRAWAL_CHANNELS)[number];

/**
 * Recording that a person withdrew consent. Irreversible (the personal data is erased at once), so it asks
 * whose consent and a confirmation first. Closed by default: it is rare, and not the decision at hand.
 */
export function WithdrawalForm({
  referralId,
  perpetratorOpen,
  view,
  today,
  earliest,
}: {
  referralId: string;
  perpetratorOpen: boolean;
  /** The queue's view to go back to once the whole referral has ended (lib/review/queue-url.ts). */
  view: string;
  /** The days the withdrawal can have reached the police (YYYY-MM-DD, Europe/Berlin): since the submission. */
  today: string;
  earliest: string;
}) {
  const text = useText();
  const t = (key: string) => text(`review.withdrawal.${key}`);
  const router = useRouter();
  const dateId = useId();
  // No default: which consent ended decides how much is erased, so it is always chosen on purpose.
  const [track, setTrack] = useState<WithdrawingPerson | null>(perpetratorOpen ? null : 'VICTIM');
  const [receivedVia, setReceivedVia] = useState<WithdrawalChannel | null>(null);
  const [receivedOn, setReceivedOn] = useState(today);
  const [done, setDone] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    if (!track) {
      setError(t('whoRequired'));
      return;
    }
    if (!receivedVia) {
      setError(t('receivedViaRequired'));
      return;
    }
    if (!receivedOn || receivedOn < earliest || receivedOn > today) {
      setError(t('receivedOnRange'));
      return;
    }
    if (!confirmed) {
      setError(t('confirmRequired'));
      return;
    }
    setPending(true);
    setError(null);
    const result = await recordWithdrawalAction({ referralId, track, receivedVia, receivedOn, confirmed: true }).catch(
      () => null,
    );
    if (result?.ok) {
      if (track === 'VICTIM') router.push(queueAfterDecision(view, 'WITHDRAWN'));
      else {
        setPending(false);
        setConfirmed(false);
        setDone(true);
        router.refresh();
      }
      return;
    }
    setPending(false);
    const fieldProblem = result?.fieldErrors?.receivedOn?.[0] ?? result?.fieldErrors?.receivedVia?.[0];
    setError(fieldProblem ? text(fieldProblem, 'review.withdrawal.failed') : (result?.message ?? t('failed')));
  }

  if (done) {
    return (
      <Alert tone="success" announce testId="withdrawal-done">
        {t('perpetratorDone')}
      </Alert>
    );
  }
  return (
    <details className="rounded-lg border border-slate-400 bg-white p-4" data-testid="withdrawal">
      <summary className="min-h-11 cursor-pointer content-center text-lg font-bold">{t('heading')}</summary>
      <div className="mt-3 space-y-3">
        <p className="max-w-prose">{t('intro')}</p>
        {perpetratorOpen && (
          <Choices
            legend={t('who')}
            name="withdrawal-track"
            options={['VICTIM', 'PERPETRATOR'] as const}
            label={(value) => t(value)}
            value={track}
            onChange={setTrack}
          />
        )}
        <Choices
          legend={t('receivedVia')}
          name="withdrawal-received-via"
          options={WITHDRAWAL_CHANNELS}
          label={(value) => t(`channels.${value}`)}
          value={receivedVia}
          onChange={setReceivedVia}
          columns
        />
        <div className="space-y-1">
          <label htmlFor={dateId} className="block font-semibold">
            {t('receivedOn')}
          </label>
          <input
            id={dateId}
            type="date"
            value={receivedOn}
            min={earliest}
            max={today}
            onChange={(e) => setReceivedOn(e.target.value)}
            className={`${inputClass} max-w-xs`}
          />
        </div>
        <label className="flex min-h-12 items-center gap-3 rounded-md border border-slate-400 px-3 py-2">
          <input
            type="checkbox"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.target.checked)}
            className="accent-brand-700 size-5 shrink-0"
          />
          {t('confirm')}
        </label>
        {error && (
          <Alert tone="error" announce testId="withdrawal-error">
            {error}
          </Alert>
        )}
        <Button type="button" variant="secondary" disabled={pending} onClick={() => void submit()}>
          {t('submit')}
        </Button>
      </div>
    </details>
  );
}
