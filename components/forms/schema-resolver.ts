import type { FieldErrors, FieldValues, Resolver } from 'react-hook-form';

type SafeParse = (
  input: unknown,
) =>
  | { success: true; data: unknown }
  | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[] } };

export type Schema = { safeParse: SafeParse };

/**
 * zod's issues as react-hook-form field errors: the first message of each field. Valid values are handed on
 * as they are, not as the schema's output: the server action validates (and normalises, and restructures)
 * exactly what the form sends, with the same schema.
 */
function resolve<T extends FieldValues>(schema: Schema, values: T): ReturnType<Resolver<T>> {
  const result = schema.safeParse(values);
  if (result.success) return { values, errors: {} };
  const errors: Record<string, { type: string; message: string }> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || 'root';
    errors[field] ??= { type: issue.code ?? 'custom', message: issue.message };
  }
  return { values: {}, errors: errors as FieldErrors<T> };
}

/**
 * react-hook-form resolver for a client-safe zod schema: the same `safeParse` the server action runs.
 * Written out (a dozen lines) instead of @hookform/resolvers, whose namespace import of zod's core
 * defeats tree shaking and costs the officer form about 15 kB of JavaScript.
 */
export function schemaResolver<T extends FieldValues>(schema: Schema): Resolver<T> {
  return (values) => resolve(schema, values);
}

/**
 * The same, for a schema that is loaded after the page became interactive: zod and the schema (about
 * 17 kB gzip) stay out of the JavaScript the officer's phone must load before the form works. `preload`
 * starts loading at once (call it after hydration); until the schema is there, validation waits for it.
 * If it cannot be loaded (connection lost), the form is submitted unchecked and the server, which
 * validates every submission with the same schema anyway, answers with the same field errors.
 */
export function lazySchemaResolver<T extends FieldValues>(
  load: () => Promise<Schema>,
): { resolver: Resolver<T>; preload: () => Promise<Schema | null> } {
  let loading: Promise<Schema> | undefined;
  const preload = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined; // try again at the next validation
      throw error;
    });
    return loading.catch(() => null);
  };
  const resolver: Resolver<T> = async (values) => {
    const schema = await preload();
    return schema ? resolve(schema, values) : { values, errors: {} };
  };
  return { resolver, preload };
}
