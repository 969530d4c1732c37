'use client';

import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';

import { useText } from '@/components/i18n/client-texts';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { approveReferralAction, returnReferralAction } from '@/lib/review/actions';
import { queueAfterDecision } from '@/lib/review/queue-url';
import { RETURN_COMMENT_MAX } from '@/lib/review/values';
import type { ActionResult } from '@/lib/result';

/**
 * The four-eyes decision on the version the supervisor read: approve, or return with what to correct. On
 * success the supervisor goes back to the queue's view they came from (the next one is waiting); on a refusal the message says
 * why (someone else was first, it changed since) and the page can be reloaded.
 */
export function DecisionPanel({
  referralId,
  version,
  view,
}: {
  referralId: string;
  version: number;
  /** The queue's view to go back to (lib/review/queue-url.ts). */
  view: string;
}) {
  const text = useText();
  const t = (key: string) => text(`review.decision.${key}`);
  const router = useRouter();
  const [pending, setPending] = useState<'approve' | 'return' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState<string | null>(null);
  const [settled, setSettled] = useState(false);
  const commentId = useId();

  async function decide(kind: 'approve' | 'return', call: () => Promise<ActionResult<{ status: string }>>) {
    setPending(kind);
    setError(null);
    const result = await call().catch(() => null);
    if (result?.ok) {
      router.push(queueAfterDecision(view, result.data.status));
      return;
    }
    setPending(null);
    const commentProblem = result?.fieldErrors?.comment?.[0];
    if (commentProblem) {
      // The server's reason (too long, invisible or control characters), in words.
      setCommentError(text(commentProblem, 'review.decision.commentRequired'));
      document.getElementById(commentId)?.focus();
      return;
    }
    // Someone else decided, or it changed: nothing more to decide here until the page is reloaded.
    if (result?.code === 'CONFLICT' || result?.code === 'INVALID_STATE') setSettled(true);
    setError(result?.message ?? t('failed'));
  }

  function onReturn() {
    if (!comment.trim()) {
      setCommentError(t('commentRequired'));
      document.getElementById(commentId)?.focus();
      return;
    }
    setCommentError(null);
    void decide('return', () => returnReferralAction({ referralId, version, comment }));
  }

  return (
    <section
      aria-labelledby="decision-heading"
      id="entscheidung"
      className="border-brand-700 space-y-4 rounded-lg border-2 bg-white p-4"
    >
      <h2 id="decision-heading" className="text-xl font-bold">
        {t('heading')}
      </h2>
      {error && (
        <Alert tone="error" announce testId="decision-error">
          <p>{error}</p>
          <button type="button" className="mt-2 min-h-11 font-semibold underline" onClick={() => router.refresh()}>
            {t('reload')}
          </button>
        </Alert>
      )}
      <div className="space-y-2">
        <p className="text-sm text-slate-700">{t('approveHint')}</p>
        <Button
          type="button"
          disabled={pending !== null || settled}
          onClick={() => void decide('approve', () => approveReferralAction({ referralId, version }))}
        >
          {pending === 'approve' ? t('pending') : t('approve')}
        </Button>
      </div>
      <div className="space-y-2 border-t border-slate-300 pt-4">
        <h3 className="text-lg font-bold">{t('returnHeading')}</h3>
        <label htmlFor={commentId} className="block font-semibold">
          {t('comment')}
          <span aria-hidden="true" className="text-red-800">
            {' '}
            *
          </span>
        </label>
        <p id={`${commentId}-hint`} className="text-sm text-slate-700">
          {t('commentHint')}
        </p>
        <textarea
          id={commentId}
          rows={3}
          maxLength={RETURN_COMMENT_MAX}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          aria-required="true"
          aria-invalid={commentError ? true : undefined}
          aria-describedby={`${commentId}-hint${commentError ? ` ${commentId}-error` : ''}`}
          className={`${inputClass} py-2`}
        />
        <p className="text-sm text-slate-700" aria-hidden="true">
          {comment.length} / {RETURN_COMMENT_MAX}
        </p>
        {commentError && (
          <p id={`${commentId}-error`} className="font-semibold text-red-800">
            {commentError}
          </p>
        )}
        <Button type="button" variant="secondary" disabled={pending !== null || settled} onClick={onReturn}>
          {pending === 'return' ? t('pending') : t('return')}
        </Button>
      </div>
    </section>
  );
}
