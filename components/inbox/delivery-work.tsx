'use client';

import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';

import { useText } from '@/components/i18n/client-texts';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Choices } from '@/components/ui/choices';
import { inputClass } from '@/components/ui/field';
import { acknowledgeDeliveryAction, recordContactAttemptAction, recordOutcomeAction } from '@/lib/inbox/actions';
import { CONTACT_ATTEMPT_CHANNELS, OUTCOMES, type ContactAttemptChannel, type Outcome } from '@/lib/inbox/values';
import type { ActionResult } from '@/lib/result';

type Result = ActionResult<{ status: string }> | null;

/**
 * What the caseworker does with a delivery, one step at a time: acknowledge receipt; then record each contact
 * attempt (when, how, reached or not); then the outcome, which ends the organisation's work on it. No notes:
 * the case file lives in the partner's own system.
 */
export function DeliveryWork({
  trackId,
  status,
  now,
  earliest,
}: {
  trackId: string;
  status: 'DISPATCHED' | 'ACKNOWLEDGED';
  /** The Berlin wall-clock time now and at delivery (`YYYY-MM-DDTHH:mm`): the range of a contact attempt. */
  now: string;
  earliest: string;
}) {
  const text = useText();
  const t = (key: string) => text(`inbox.work.${key}`);
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  /** Runs a step; on success the page shows the new state, on a refusal the reason in words. */
  async function run(call: () => Promise<Result>, doneKey: string, field?: 'contactAt' | 'outcome'): Promise<boolean> {
    setPending(true);
    setError(null);
    setDone(null);
    const result = await call().catch(() => null);
    setPending(false);
    if (result?.ok) {
      setDone(t(doneKey));
      router.refresh();
      return true;
    }
    const fieldProblem = field ? result?.fieldErrors?.[field]?.[0] : undefined;
    setError(fieldProblem ? text(fieldProblem, 'inbox.work.failed') : (result?.message ?? t('failed')));
    return false;
  }

  return (
    <section aria-labelledby="work-heading" className="border-brand-700 space-y-4 rounded-lg border-2 bg-white p-4">
      <h2 id="work-heading" className="text-xl font-bold">
        {t('heading')}
      </h2>
      {done && (
        <Alert tone="success" announce testId="work-done">
          {done}
        </Alert>
      )}
      {error && (
        <Alert tone="error" announce testId="work-error">
          {error}
        </Alert>
      )}
      {status === 'DISPATCHED' ? (
        <div className="space-y-2">
          <p className="max-w-prose">{t('acknowledgeHint')}</p>
          <Button
            type="button"
            disabled={pending}
            onClick={() => void run(() => acknowledgeDeliveryAction({ trackId }), 'acknowledged')}
          >
            {t('acknowledge')}
          </Button>
        </div>
      ) : (
        <>
          <ContactAttemptForm
            pending={pending}
            now={now}
            earliest={earliest}
            onSubmit={(values) =>
              run(() => recordContactAttemptAction({ trackId, ...values }), 'attemptRecorded', 'contactAt')
            }
          />
          <OutcomeForm
            pending={pending}
            onSubmit={(outcome) => run(() => recordOutcomeAction({ trackId, outcome }), 'closed', 'outcome')}
          />
        </>
      )}
    </section>
  );
}

function ContactAttemptForm({
  pending,
  now,
  earliest,
  onSubmit,
}: {
  pending: boolean;
  now: string;
  earliest: string;
  onSubmit: (values: { contactAt: string; channel: ContactAttemptChannel; reached: boolean }) => Promise<boolean>;
}) {
  const text = useText();
  const t = (key: string) => text(`inbox.work.${key}`);
  const timeId = useId();
  const [contactAt, setContactAt] = useState(now);
  const [channel, setChannel] = useState<ContactAttemptChannel | null>(null);
  const [reached, setReached] = useState<'yes' | 'no' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit() {
    const missing = !contactAt
      ? 'contactAtRequired'
      : !channel
        ? 'channelRequired'
        : !reached
          ? 'reachedRequired'
          : null;
    if (missing || !channel || !reached) {
      setProblem(text(`inbox.errors.${missing}`));
      return;
    }
    setProblem(null);
    if (await onSubmit({ contactAt, channel, reached: reached === 'yes' })) {
      setChannel(null);
      setReached(null);
    }
  }

  return (
    <fieldset className="space-y-3 rounded-md border border-slate-300 p-3" data-testid="contact-attempt">
      <legend className="px-1 text-lg font-bold">{t('attemptHeading')}</legend>
      <div className="space-y-1">
        <label htmlFor={timeId} className="block font-semibold">
          {t('contactAt')}
        </label>
        <input
          id={timeId}
          type="datetime-local"
          value={contactAt}
          min={earliest}
          max={now}
          onChange={(e) => setContactAt(e.target.value)}
          className={`${inputClass} max-w-xs`}
        />
      </div>
      <Choices
        legend={t('channel')}
        name="contact-channel"
        options={CONTACT_ATTEMPT_CHANNELS}
        label={(value) => text(`timeline.contactChannels.${value}`)}
        value={channel}
        onChange={setChannel}
        columns
      />
      <Choices
        legend={t('reached')}
        name="contact-reached"
        options={['yes', 'no'] as const}
        label={(value) => t(`reachedOptions.${value}`)}
        value={reached}
        onChange={setReached}
        columns
      />
      {problem && (
        <Alert tone="error" announce testId="attempt-problem">
          {problem}
        </Alert>
      )}
      <Button type="button" variant="secondary" disabled={pending} onClick={() => void submit()}>
        {t('recordAttempt')}
      </Button>
    </fieldset>
  );
}

function OutcomeForm({ pending, onSubmit }: { pending: boolean; onSubmit: (outcome: Outcome) => Promise<boolean> }) {
  const text = useText();
  const t = (key: string) => text(`inbox.work.${key}`);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  function submit() {
    if (!outcome) {
      setProblem(text('inbox.errors.outcomeRequired'));
      return;
    }
    setProblem(null);
    void onSubmit(outcome);
  }

  return (
    <fieldset className="space-y-3 rounded-md border border-slate-300 p-3" data-testid="outcome">
      <legend className="px-1 text-lg font-bold">{t('outcomeHeading')}</legend>
      <p className="max-w-prose text-sm">{t('outcomeHint')}</p>
      <Choices
        legend={t('outcome')}
        name="outcome"
        options={OUTCOMES}
        label={(value) => text(`timeline.outcomes.${value}`)}
        value={outcome}
        onChange={setOutcome}
      />
      {problem && (
        <Alert tone="error" announce testId="outcome-problem">
          {problem}
        </Alert>
      )}
      <Button type="button" variant="secondary" disabled={pending} onClick={submit}>
        {t('recordOutcome')}
      </Button>
    </fieldset>
  );
}
