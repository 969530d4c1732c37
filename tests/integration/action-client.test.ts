/**
 * The action client (lib/actions.ts): the one pipeline every server action runs through. Origin, access,
 * input, then the handler; Next's control flow passes through, anything else becomes UNKNOWN with an id.
 */
import { notFound, redirect } from 'next/navigation';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod/mini';

import { action, formAction } from '@/lib/actions';
import { db } from '@/lib/db';
import { success } from '@/lib/result';

import { currentHeaders } from './support/request-context';
import { createActor, freshWorld, signInAs } from './support/world';

const input = z.strictObject({ name: z.string().check(z.minLength(1, 'errors.required')) });
const denials = () => db().auditEvent.count({ where: { action: 'ACCESS_DENIED' } });

describe('action client', () => {
  beforeEach(freshWorld);

  it('rethrows redirect() and notFound() instead of turning them into an unknown error', async () => {
    const leaves = action({ public: true }, async () => redirect('/anmelden'));
    await expect(leaves()).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
    const missing = action({ public: true }, async () => notFound());
    await expect(missing()).rejects.toMatchObject({ digest: expect.stringMatching(/NEXT_HTTP_ERROR_FALLBACK;404/) });
    const form = formAction({ public: true }, async () => redirect('/anmelden'));
    await expect(form(new FormData())).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
  });

  it('turns an unexpected error into UNKNOWN with an error id, without its text', async () => {
    const broken = action({ public: true }, async () => {
      throw new Error('Tel. 0511 1234567 of Erika Muster');
    });
    const result = await broken();
    expect(result).toMatchObject({ ok: false, code: 'UNKNOWN', errorId: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(JSON.stringify(result)).not.toContain('Erika');
  });

  it('refuses before the handler runs: wrong Origin, no permission, no step-up, bad input', async () => {
    const handler = vi.fn(async () => success(null));
    const manage = action({ permission: 'users:manage', stepUp: true, input }, handler);
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const admin = await createActor('ADMIN');

    currentHeaders.value = { ...currentHeaders.value, origin: 'http://evil.example' };
    await signInAs(admin);
    expect(await manage({ name: 'x' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    currentHeaders.value = { ...currentHeaders.value, origin: 'http://localhost:3000' };

    await signInAs(officer);
    const before = await denials();
    expect(await manage({ name: 'x' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await denials()).toBe(before + 1);

    await signInAs(admin);
    await db().session.updateMany({ where: { userId: admin.id }, data: { mfaVerifiedAt: new Date(0) } });
    expect(await manage({ name: 'x' })).toMatchObject({ ok: false, code: 'STEP_UP_REQUIRED' });
    expect(await denials()).toBe(before + 2);
    expect(handler).not.toHaveBeenCalled();

    await signInAs(admin);
    expect(await manage({ name: '', extra: 1 })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/\p{L}/u),
      fieldErrors: { name: ['errors.required'], _form: ['errors.unknownField'] },
    });
    expect(handler).not.toHaveBeenCalled();

    expect(await manage({ name: 'Lea' })).toEqual({ ok: true, data: null });
    expect(handler).toHaveBeenCalledWith(expect.objectContaining({ actor: expect.objectContaining({ id: admin.id }) }));
  });
});
