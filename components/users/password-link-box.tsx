'use client';

import { useFormatter, useTranslations } from 'next-intl';
import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import type { PasswordLinkDto } from '@/lib/users/dto';
import { TIME_ZONE } from '@/lib/time/berlin';

/**
 * The one-time link to set a password, shown to the admin once, to hand over in person or by phone. The
 * full address is built here, from the address the admin's browser uses, which is the one people reach.
 */
export function PasswordLinkBox({ link, intro }: { link: PasswordLinkDto; intro: 'created' | 'issued' }) {
  const t = useTranslations('users');
  const format = useFormatter();
  const [copy, setCopy] = useState<'copied' | 'copyFailed' | null>(null);
  const url = `${window.location.origin}${link.path}`;
  const expiresAt = format.dateTime(new Date(link.expiresAt), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  });

  async function onCopy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      setCopy('copyFailed');
    }
  }

  return (
    <div className="space-y-3" data-testid="password-link">
      <p>{intro === 'created' ? t('created.text', { expiresAt }) : t('detail.passwordLinkIssued', { expiresAt })}</p>
      <p className="text-sm font-semibold">{t('created.once')}</p>
      <label htmlFor="password-link-url" className="block text-base font-semibold">
        {t('created.linkLabel')}
      </label>
      <input
        id="password-link-url"
        type="text"
        readOnly
        value={url}
        onFocus={(e) => e.currentTarget.select()}
        className={`${inputClass} font-mono text-sm`}
        data-testid="password-link-url"
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="secondary" onClick={() => void onCopy()}>
          {t('created.copy')}
        </Button>
        <p role="status" className="text-sm">
          {copy ? t(`created.${copy}`) : ''}
        </p>
      </div>
    </div>
  );
}
