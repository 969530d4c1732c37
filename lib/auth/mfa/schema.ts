import { z } from 'zod/mini';

/** A code typed in the second-factor step: six digits from the app, or a recovery code. */
export const secondFactorCodeInput = z.strictObject({
  code: z
    .string({ error: 'errors.required' })
    .check(
      z.trim(),
      z.minLength(1, { error: 'errors.secondFactor.required' }),
      z.maxLength(32, { error: 'errors.secondFactor.wrong' }),
    ),
});
export type SecondFactorCodeInput = z.infer<typeof secondFactorCodeInput>;
