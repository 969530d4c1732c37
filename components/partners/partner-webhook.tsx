'use client';

import { useRouter } from 'next/navigation';
import { useFormatter, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useForm } from 'react-hook-form';

import { useStepUp } from '@/components/auth/step-up-prompt';
import { schemaResolver } from '@/components/forms/schema-resolver';
import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { useHydrated } from '@/components/forms/use-hydrated';
import { ActionItem, Confirm } from '@/components/ui/action-item';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import {
  removePartnerWebhookAction,
  rotatePartnerWebhookSecretAction,
  setPartnerWebhookAction,
} from '@/lib/partners/actions';
import type { PartnerWebhookDto } from '@/lib/partners/dto';
import { setPartnerWebhookInput } from '@/lib/partners/schema';
import type { ActionResult } from '@/lib/result';
import { TIME_ZONE } from '@/lib/time/berlin';

type Values = { url: string };
type Notice = { tone: 'success' | 'error'; text: string };

/**
 * "Webhook (eigenes Fallsystem)" on a partner's page (issue 12): the URL and since when a secret exists (never
 * the secret itself), the URL's form, a new secret, removal. A new secret arrives in the action's result and
 * is shown here once; after a reload or "ausblenden" it is gone for good (only its sealed form is stored).
 * Every change needs a fresh second factor (step-up), like the partner's other settings.
 */
export function PartnerWebhook({ webhook, totpEnrolled }: { webhook: PartnerWebhookDto; totpEnrolled: boolean }) {
  const t = useTranslations('partners.webhook');
  const router = useRouter();
  const hydrated = useHydrated();
  const message = useErrorMessage();
  const format = useFormatter();
  const { run, prompt } = useStepUp({ totpEnrolled, headingLevel: 3 });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [shown, setShown] = useState<{ secret: string; rotated: boolean } | null>(null);
  const [confirming, setConfirming] = useState<'rotate' | 'remove' | null>(null);
  const [busy, setBusy] = useState(false);
  const target = { partnerId: webhook.partnerId, version: webhook.version };
  const { register, handleSubmit, setError, formState } = useForm<Values>({
    resolver: schemaResolver<Values>({
      safeParse: (values) => setPartnerWebhookInput.safeParse({ ...target, ...(values as Values) }),
    }),
    defaultValues: { url: webhook.url ?? '' },
  });
  const since =
    webhook.secretSince &&
    format.dateTime(new Date(webhook.secretSince), { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE });

  /** Runs a change (with step-up); a failure becomes the notice, a success refreshes the page's data. */
  async function change<T>(call: () => Promise<ActionResult<T>>, what: string): Promise<T | null> {
    setNotice(null);
    setShown(null);
    setConfirming(null);
    setBusy(true);
    const result = await run(call, what).catch(() => null);
    setBusy(false);
    if (!result?.ok) {
      setNotice({ tone: 'error', text: result?.message ?? t('networkError') });
      showServerFieldErrors(result?.fieldErrors, setError, ['url']);
      return null;
    }
    router.refresh();
    return result.data;
  }

  async function onSave(values: Values) {
    const saved = await change(() => setPartnerWebhookAction({ ...target, ...values }), t('save'));
    if (!saved) return;
    setNotice({ tone: 'success', text: t('saved') });
    if (saved.secret) setShown({ secret: saved.secret, rotated: false });
  }

  async function onRotate() {
    const rotated = await change(() => rotatePartnerWebhookSecretAction(target), t('rotate'));
    if (rotated) setShown({ secret: rotated.secret, rotated: true });
  }

  async function onRemove() {
    if (await change(() => removePartnerWebhookAction(target), t('remove'))) {
      setNotice({ tone: 'success', text: t('removed') });
    }
  }

  return (
    <section aria-labelledby="partner-webhook" className="space-y-4" data-testid="partner-webhook">
      <h2 id="partner-webhook" className="text-xl font-bold">
        {t('title')}
      </h2>
      <p className="max-w-prose text-slate-700">{t('intro')}</p>
      {notice && (
        <Alert tone={notice.tone} announce testId="webhook-message">
          {notice.text}
        </Alert>
      )}
      {shown && <SecretBox secret={shown.secret} rotated={shown.rotated} onHide={() => setShown(null)} />}
      {webhook.url ? (
        <dl className="grid max-w-2xl gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
          <dt className="font-semibold">{t('url')}</dt>
          <dd className="font-mono text-sm [overflow-wrap:anywhere]" data-testid="webhook-url">
            {webhook.url}
          </dd>
          <dt className="font-semibold">{t('secret')}</dt>
          <dd data-testid="webhook-secret-since">{since ? t('secretSince', { since }) : t('noSecret')}</dd>
        </dl>
      ) : (
        <p data-testid="webhook-none">{t('none')}</p>
      )}
      <form
        method="post"
        onSubmit={handleSubmit(onSave)}
        noValidate
        className="max-w-2xl space-y-4"
        aria-busy={formState.isSubmitting}
      >
        <Field id="webhookUrl" label={t('urlLabel')} hint={t('urlHint')} error={message(formState.errors.url?.message)}>
          {(aria) => (
            <input
              {...aria}
              type="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://"
              className={inputClass}
              {...register('url')}
            />
          )}
        </Field>
        <Button type="submit" disabled={!hydrated || busy || formState.isSubmitting}>
          {t('save')}
        </Button>
      </form>
      {webhook.url && (
        <>
          <ActionItem narrow hint={t('rotateHint')}>
            {confirming === 'rotate' ? (
              <Confirm
                question={t('rotateConfirm')}
                yes={t('rotateConfirmYes')}
                no={t('cancel')}
                busy={busy}
                onYes={() => void onRotate()}
                onNo={() => setConfirming(null)}
              />
            ) : (
              <Button
                type="button"
                variant="secondary"
                disabled={!hydrated || busy}
                onClick={() => setConfirming('rotate')}
              >
                {t('rotate')}
              </Button>
            )}
          </ActionItem>
          <ActionItem narrow hint={t('removeHint')}>
            {confirming === 'remove' ? (
              <Confirm
                question={t('removeConfirm')}
                yes={t('removeConfirmYes')}
                no={t('cancel')}
                busy={busy}
                onYes={() => void onRemove()}
                onNo={() => setConfirming(null)}
              />
            ) : (
              <Button
                type="button"
                variant="secondary"
                disabled={!hydrated || busy}
                onClick={() => setConfirming('remove')}
              >
                {t('remove')}
              </Button>
            )}
          </ActionItem>
        </>
      )}
      {prompt}
    </section>
  );
}

/** The new secret, once: to copy and hand to the partner. */
function SecretBox({ secret, rotated, onHide }: { secret: string; rotated: boolean; onHide: () => void }) {
  const t = useTranslations('partners.webhook');
  const [copy, setCopy] = useState<'copied' | 'copyFailed' | null>(null);

  async function onCopy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      setCopy('copyFailed');
    }
  }

  return (
    <div
      className="max-w-2xl space-y-3 rounded-md border-l-4 border-amber-600 bg-amber-50 p-4"
      data-testid="webhook-secret"
    >
      <p className="font-semibold text-amber-950">{t(rotated ? 'secretRotated' : 'secretCreated')}</p>
      <p className="text-amber-950">{t('secretOnce')}</p>
      <label htmlFor="webhook-secret-value" className="block text-base font-semibold">
        {t('secretLabel')}
      </label>
      {/* A text area, so that the whole secret is visible on a phone too (it wraps). */}
      <textarea
        id="webhook-secret-value"
        readOnly
        rows={2}
        value={secret}
        onFocus={(e) => e.currentTarget.select()}
        autoComplete="off"
        spellCheck={false}
        className={`${inputClass} resize-none py-2 font-mono text-sm break-all`}
        data-testid="webhook-secret-value"
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={() => void onCopy()}>
          {t('copy')}
        </Button>
        <Button type="button" variant="secondary" onClick={onHide}>
          {t('hide')}
        </Button>
        <p role="status" className="text-sm">
          {copy ? t(copy) : ''}
        </p>
      </div>
    </div>
  );
}
