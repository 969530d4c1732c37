import { z } from 'zod/mini';

/**
 * Changing one's password (ASVS 6.2). Client-safe rules here; the server adds the check against the
 * bundled list of common passwords (lib/accounts/password-policy.ts), which is too large for the browser.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** A new password typed twice: the fields and the check shared by every form that sets a password. */
export const newPasswordFields = {
  // Not trimmed or normalised: every character counts as typed (ASVS 6.2.5 allows any character).
  newPassword: z
    .string({ error: 'errors.required' })
    .check(
      z.minLength(PASSWORD_MIN_LENGTH, { error: 'errors.passwordTooShort' }),
      z.maxLength(PASSWORD_MAX_LENGTH, { error: 'errors.tooLong' }),
    ),
  confirmation: z.string({ error: 'errors.required' }),
};

export const confirmationMatches = z.superRefine((value: { newPassword: string; confirmation: string }, ctx) => {
  if (value.confirmation !== value.newPassword) {
    ctx.addIssue({ code: 'custom', path: ['confirmation'], message: 'errors.passwordMismatch' });
  }
});

export const changePasswordInput = z
  .strictObject({
    currentPassword: z.string({ error: 'errors.required' }).check(z.minLength(1, { error: 'errors.required' })),
    ...newPasswordFields,
  })
  .check(
    confirmationMatches,
    z.superRefine((value, ctx) => {
      if (value.newPassword && value.newPassword === value.currentPassword) {
        ctx.addIssue({ code: 'custom', path: ['newPassword'], message: 'errors.passwordUnchanged' });
      }
    }),
  );

export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
