import type { FieldErrors, FieldValues, Resolver } from 'react-hook-form';

type SafeParse = (
  input: unknown,
) =>
  | { success: true; data: unknown }
  | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[] } };

/**
 * react-hook-form resolver for a client-safe zod schema: the same `safeParse` the server action runs.
 * Written out (a dozen lines) instead of @hookform/resolvers, whose namespace import of zod's core
 * defeats tree shaking and costs the officer form about 15 kB of JavaScript.
 */
export function schemaResolver<T extends FieldValues>(schema: { safeParse: SafeParse }): Resolver<T> {
  return (values) => {
    const result = schema.safeParse(values);
    if (result.success) return { values: result.data as T, errors: {} };
    const errors: Record<string, { type: string; message: string }> = {};
    for (const issue of result.error.issues) {
      const field = issue.path.map(String).join('.') || 'root';
      errors[field] ??= { type: issue.code ?? 'custom', message: issue.message };
    }
    return { values: {}, errors: errors as FieldErrors<T> };
  };
}
