'use client';

import { useCallback } from 'react';

import { useText } from '@/components/i18n/client-texts';
import { TrackProjection } from '@/components/referral-form/track-projection';
import { Button } from '@/components/ui/button';
import { fromRoutingRuleDto, type ReferralFormOptions } from '@/lib/referrals/dto';
import { projectionOf } from '@/lib/referrals/projection';
import type { ReferralDraft, TrackDraft } from '@/lib/referrals/schema';
import { decideRoute } from '@/lib/routing/decide';
import type { Track } from '@/lib/routing/values';
import { instantOf } from '@/lib/time/berlin';

/** The partner a track goes to, as the server will decide it (same rules, same function). */
function partnerOf(options: ReferralFormOptions, track: Track, draft: ReferralDraft, part: TrackDraft<unknown>) {
  const { partners, rules } = options.tracks[track];
  const at = instantOf(draft.incidentAt, draft.incidentAtFold);
  let id = part.routing.override?.partnerId;
  if (!id && at) {
    const decision = decideRoute(rules.map(fromRoutingRuleDto), {
      track,
      gender: part.gender,
      municipalityId: draft.municipalityId,
      at,
      preferredPartnerId: part.routing.preferredPartnerId,
    });
    if (decision.ok) id = decision.partnerId;
  }
  return partners.find((p) => p.id === id)?.name ?? '';
}

/**
 * Before the final submit: exactly what each partner will receive (DESIGN.md section 4), computed by the same
 * projection the partner's inbox and the webhook use (lib/referrals/projection.ts), one block per track.
 */
export function TransmissionPreview({
  id,
  draft,
  options,
  sending,
  correction,
  onSend,
  onEdit,
}: {
  id: string;
  draft: ReferralDraft;
  options: ReferralFormOptions;
  sending: boolean;
  /** Correcting an own referral: the button saves the correction. */
  correction: boolean;
  onSend: () => void;
  onEdit: () => void;
}) {
  const t = useText();
  // Shown in place of the form: the focus moves here, so that screen readers and keyboards follow.
  const focusOnMount = useCallback((element: HTMLElement | null) => element?.focus(), []);
  const municipality = options.municipalities.find((m) => m.id === draft.municipalityId)?.name ?? '';
  const parts: [Track, TrackDraft<unknown>][] = [['VICTIM', draft.victim]];
  if (draft.perpetrator) parts.push(['PERPETRATOR', draft.perpetrator]);

  return (
    <section
      id={id}
      ref={focusOnMount}
      tabIndex={-1}
      className="space-y-4 outline-none"
      aria-labelledby={`${id}-heading`}
      data-testid="transmission-preview"
    >
      <h2 id={`${id}-heading`} className="text-xl font-bold">
        {t('referralForm.preview.title')}
      </h2>
      <p>{t('referralForm.preview.intro')}</p>
      {parts.map(([track, part]) => (
        <TrackProjection
          key={track}
          track={track}
          heading={`${t(`referralForm.preview.to.${track}`)} ${partnerOf(options, track, draft, part)}`}
          projection={projectionOf(draft, track, municipality)}
          hideEmpty
          languages={options.languages}
        />
      ))}
      <p className="text-sm text-slate-700">
        {t(draft.perpetrator ? 'referralForm.preview.notSent' : 'referralForm.preview.notSentVictimOnly')}
      </p>
      <div className="flex flex-col gap-3 sm:flex-row">
        <Button type="button" onClick={onSend} disabled={sending} className="w-full sm:w-auto">
          {sending
            ? t('referralForm.submitting')
            : t(correction ? 'referralForm.submitCorrection' : 'referralForm.submitReferral')}
        </Button>
        <Button type="button" variant="secondary" onClick={onEdit} disabled={sending} className="w-full sm:w-auto">
          {t('referralForm.preview.edit')}
        </Button>
      </div>
    </section>
  );
}
