'use client';

import { useRouter } from 'next/navigation';
import { createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';

import { useText } from '@/components/i18n/client-texts';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Choices } from '@/components/ui/choices';
import { inputClass } from '@/components/ui/field';
import { acknowledgeDeliveryAction, recordContactAttemptAction, recordOutcomeAction } from '@/lib/inbox/actions';
import { CONTACT_ATTEMPT_CHANNELS, OUTCOMES, type ContactAttemptChannel, type Outcome } from '@/lib/inbox/values';
import type { ActionResult } from '@/lib/result';
import { instantToBerlinLocal } from '@/lib/time/berlin';

type Result = ActionResult<{ status: string }> | null;
type Message = { tone: 'success' | 'error'; text: string };

/**
 * Runs one step and says how it went, right where the caseworker pressed the button (on a phone the top of
 * the page is screens away): the message is scrolled into view and announced. On success the page shows the
 * delivery's new state; a refusal says why in words.
 */
function useStep(field?: 'contactAt' | 'outcome', kept?: [Message | null, (message: Message | null) => void]) {
  const text = useText();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const own = useState<Message | null>(null);
  const [message, setMessage] = kept ?? own;
  const messageRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) messageRef.current?.scrollIntoView({ block: 'nearest' });
  }, [message]);

  async function run(call: () => Promise<Result>, done: string): Promise<boolean> {
    setPending(true);
    setMessage(null);
    const result = await call().catch(() => null);
    setPending(false);
    if (result?.ok) {
      setMessage({ tone: 'success', text: text(`inbox.work.${done}`) });
      router.refresh();
      return true;
    }
    const problem = field ? result?.fieldErrors?.[field]?.[0] : undefined;
    setMessage({
      tone: 'error',
      text: problem ? text(problem, 'inbox.work.failed') : (result?.message ?? text('inbox.work.failed')),
    });
    return false;
  }

  const shown = message && (
    <div ref={messageRef}>
      <Alert tone={message.tone} announce testId={message.tone === 'success' ? 'work-done' : 'work-error'}>
        {message.text}
      </Alert>
    </div>
  );
  return { pending, run, shown, fail: (text: string) => setMessage({ tone: 'error', text }) };
}

/**
 * Keeps the acknowledgement's confirmation while the page moves the work section: a new delivery has it above
 * the person, an acknowledged one below (the person first, to call), and React mounts it anew there.
 */
const KeptMessage = createContext<[Message | null, (message: Message | null) => void] | undefined>(undefined);

export function DeliveryWorkMessages({ children }: { children: ReactNode }) {
  const kept = useState<Message | null>(null);
  return <KeptMessage.Provider value={kept}>{children}</KeptMessage.Provider>;
}

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
  /** Berlin wall-clock times (`YYYY-MM-DDTHH:mm`): when the page was made (the attempt's default), and the
   * delivery (no attempt before it). No upper bound in the field: the page may have been open a while. */
  now: string;
  earliest: string;
}) {
  const text = useText();
  const t = (key: string) => text(`inbox.work.${key}`);
  const step = useStep(undefined, useContext(KeptMessage));
  return (
    <section aria-labelledby="work-heading" className="border-brand-700 space-y-4 rounded-lg border-2 bg-white p-4">
      <h2 id="work-heading" className="text-xl font-bold">
        {t('heading')}
      </h2>
      {/* Above the step: it stays in view when the acknowledged delivery's forms replace the button. */}
      {step.shown}
      {status === 'DISPATCHED' ? (
        <div className="space-y-2">
          <p className="max-w-prose">{t('acknowledgeHint')}</p>
          <Button
            type="button"
            disabled={step.pending}
            onClick={() => void step.run(() => acknowledgeDeliveryAction({ trackId }), 'acknowledged')}
          >
            {t('acknowledge')}
          </Button>
        </div>
      ) : (
        <>
          <ContactAttemptForm trackId={trackId} now={now} earliest={earliest} />
          <OutcomeForm trackId={trackId} />
        </>
      )}
    </section>
  );
}

function ContactAttemptForm({ trackId, now, earliest }: { trackId: string; now: string; earliest: string }) {
  const text = useText();
  const t = (key: string) => text(`inbox.work.${key}`);
  const timeId = useId();
  const step = useStep('contactAt');
  // Now, as the page was made; the caseworker sets the time of the call if it was earlier.
  const [contactAt, setContactAt] = useState(now);
  const [channel, setChannel] = useState<ContactAttemptChannel | null>(null);
  const [reached, setReached] = useState<'yes' | 'no' | null>(null);

  async function submit() {
    // Everything missing at once, not one question per tap.
    const missing = [
      !contactAt && 'contactAtRequired',
      !channel && 'channelRequired',
      !reached && 'reachedRequired',
    ].filter((key): key is string => Boolean(key));
    if (missing.length > 0 || !channel || !reached) {
      step.fail(missing.map((key) => text(`inbox.errors.${key}`)).join(' '));
      return;
    }
    const saved = await step.run(
      () => recordContactAttemptAction({ trackId, contactAt, channel, reached: reached === 'yes' }),
      'attemptRecorded',
    );
    if (saved) {
      setChannel(null);
      setReached(null);
      setContactAt(instantToBerlinLocal(new Date()));
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
      {step.shown}
      <Button type="button" variant="secondary" disabled={step.pending} onClick={() => void submit()}>
        {t('recordAttempt')}
      </Button>
    </fieldset>
  );
}

function OutcomeForm({ trackId }: { trackId: string }) {
  const text = useText();
  const t = (key: string) => text(`inbox.work.${key}`);
  const step = useStep('outcome');
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  function submit() {
    if (!outcome) {
      step.fail(text('inbox.errors.outcomeRequired'));
      return;
    }
    void step.run(() => recordOutcomeAction({ trackId, outcome }), 'closed');
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
      {step.shown}
      <Button type="button" variant="secondary" disabled={step.pending} onClick={submit}>
        {t('recordOutcome')}
      </Button>
    </fieldset>
  );
}
