'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';

import { useStepUp } from '@/components/auth/step-up-prompt';
import { ActionItem, Confirm } from '@/components/ui/action-item';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { PasswordLinkBox } from '@/components/users/password-link-box';
import type { ActionResult } from '@/lib/result';
import {
  disableUserAction,
  enableUserAction,
  issuePasswordLinkAction,
  resetUserSecondFactorAction,
  unlockUserAction,
} from '@/lib/users/actions';
import type { ManagedUserDto, PasswordLinkDto } from '@/lib/users/dto';

type Kind = 'disable' | 'enable' | 'unlock' | 'reset' | 'link';

/** The button's words, to name the change in the step-up prompt. */
const LABEL: Record<Kind, string> = {
  disable: 'detail.disable',
  enable: 'detail.enable',
  unlock: 'detail.unlock',
  reset: 'detail.resetSecondFactor',
  link: 'detail.passwordLink',
};

const SUCCESS: Record<Exclude<Kind, 'link'>, string> = {
  disable: 'detail.disabled',
  enable: 'detail.enabled',
  unlock: 'detail.unlocked',
  reset: 'detail.secondFactorReset',
};

/**
 * Disable / enable, lift a lockout, reset the second factor, new password link. Which buttons appear
 * follows the rules the service enforces anyway: nothing of this on one's own account but the unlock,
 * and for directory accounts only disable, enable, unlock and resetting the app's own second factor.
 */
export function UserAccountActions({
  user,
  self,
  totpEnrolled,
}: {
  user: ManagedUserDto;
  self: boolean;
  totpEnrolled: boolean;
}) {
  const t = useTranslations('users');
  const router = useRouter();
  const { run, prompt } = useStepUp({ totpEnrolled, headingLevel: 3 });
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<'disable' | 'reset' | null>(null);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [link, setLink] = useState<PasswordLinkDto | null>(null);

  async function perform(kind: Kind) {
    setBusy(true);
    setNotice(null);
    setLink(null);
    setConfirming(null);
    const input = { userId: user.id, version: user.version };
    const call: () => Promise<ActionResult<unknown>> = {
      disable: () => disableUserAction(input),
      enable: () => enableUserAction(input),
      unlock: () => unlockUserAction(input),
      reset: () => resetUserSecondFactorAction(input),
      link: () => issuePasswordLinkAction(input),
    }[kind];
    const result = await run(call, t(LABEL[kind])).catch(() => null);
    setBusy(false);
    if (!result?.ok) {
      setNotice({ tone: 'error', text: result?.message ?? t('form.networkError') });
      return;
    }
    if (kind === 'link') setLink(result.data as PasswordLinkDto);
    else setNotice({ tone: 'success', text: t(SUCCESS[kind]) });
    router.refresh();
  }

  const local = !user.directoryAccount;
  return (
    <div className="space-y-4">
      {notice && (
        <Alert tone={notice.tone} announce testId="account-message">
          {notice.text}
        </Alert>
      )}
      {link && <PasswordLinkBox link={link} intro="issued" />}
      {prompt}
      {self && <p className="max-w-prose text-sm text-slate-700">{t('detail.ownAccount')}</p>}

      {user.locked && (
        <ActionItem hint={t('detail.unlockHint')} lead={t('detail.locked')}>
          <Button type="button" disabled={busy} onClick={() => void perform('unlock')}>
            {t('detail.unlock')}
          </Button>
        </ActionItem>
      )}
      {!self && user.active && (
        <ActionItem hint={t('detail.disableHint')}>
          {confirming === 'disable' ? (
            <Confirm
              question={t('detail.disableConfirm', { name: user.displayName })}
              yes={t('detail.disableConfirmYes')}
              no={t('detail.cancel')}
              busy={busy}
              onYes={() => void perform('disable')}
              onNo={() => setConfirming(null)}
            />
          ) : (
            <Button type="button" variant="secondary" disabled={busy} onClick={() => setConfirming('disable')}>
              {t('detail.disable')}
            </Button>
          )}
        </ActionItem>
      )}
      {!self && !user.active && (
        <ActionItem hint={t('detail.enableHint')}>
          <Button type="button" variant="secondary" disabled={busy} onClick={() => void perform('enable')}>
            {t('detail.enable')}
          </Button>
        </ActionItem>
      )}
      {!self && user.secondFactorPresent && (
        <ActionItem hint={t('detail.resetSecondFactorHint')}>
          {confirming === 'reset' ? (
            <Confirm
              question={t('detail.resetConfirm', { name: user.displayName })}
              yes={t('detail.resetConfirmYes')}
              no={t('detail.cancel')}
              busy={busy}
              onYes={() => void perform('reset')}
              onNo={() => setConfirming(null)}
            />
          ) : (
            <Button type="button" variant="secondary" disabled={busy} onClick={() => setConfirming('reset')}>
              {t('detail.resetSecondFactor')}
            </Button>
          )}
        </ActionItem>
      )}
      {!self && local && user.active && (
        <ActionItem hint={t('detail.passwordLinkHint')}>
          <Button type="button" variant="secondary" disabled={busy} onClick={() => void perform('link')}>
            {t('detail.passwordLink')}
          </Button>
        </ActionItem>
      )}
    </div>
  );
}
