import type { Schema } from '@/components/forms/schema-resolver';

/**
 * The schema, plus the issues of `parts` while other fields are still wrong: zod runs an object's own checks
 * (a range, a field required by another) only once all its fields passed, and a form must show every problem
 * at once. Each part is a small schema over the fields such a check reads.
 */
export function alsoChecking(schema: Schema, ...parts: Schema[]): Schema {
  return {
    safeParse: (values) => {
      const result = schema.safeParse(values);
      if (result.success) return result;
      const issues = [...result.error.issues];
      for (const part of parts) {
        const checked = part.safeParse(values);
        if (!checked.success) issues.push(...checked.error.issues);
      }
      return { success: false, error: { issues } };
    },
  };
}
