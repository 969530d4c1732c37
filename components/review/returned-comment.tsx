import { getFormatter, getTranslations } from 'next-intl/server';

import { Alert } from '@/components/ui/alert';
import type { TimelineEntry } from '@/lib/referrals/timeline';

/**
 * While a referral waits for the officer's correction, what the supervisor asked for, from its timeline:
 * shown first on the officer's view and above the correction form.
 */
export async function ReturnedComment({ status, timeline }: { status: string; timeline: TimelineEntry[] }) {
  const returned = status === 'RETURNED' ? timeline.findLast((entry) => entry.step === 'RETURNED') : undefined;
  if (!returned) return null;
  const [t, format] = await Promise.all([getTranslations(), getFormatter()]);
  return (
    <Alert tone="warning" testId="returned-comment">
      <p className="font-semibold">
        {t('referralDetail.returnedBy', {
          by: returned.actorName ?? t('timeline.system'),
          at: format.dateTime(returned.at, { dateStyle: 'medium', timeStyle: 'short' }),
        })}
      </p>
      {returned.comment && (
        <blockquote className="mt-2 [overflow-wrap:anywhere] whitespace-pre-line">{returned.comment}</blockquote>
      )}
      <p className="mt-2">{t('referralDetail.returnedAction')}</p>
    </Alert>
  );
}
