import { alsoChecking } from '@/components/forms/also-checking';
import type { Schema } from '@/components/forms/schema-resolver';
import {
  referralCrossFieldRules,
  referralSubmission,
  type Mode,
  type ReferralFormConfig,
} from '@/lib/referrals/schema';

/**
 * The form's validation: the server's schema, plus the rules between fields over the raw values while
 * single fields are still wrong (every problem at once). Loaded once the form is interactive.
 */
export function formSchema(config: ReferralFormConfig, mode: Mode): Schema {
  return alsoChecking(referralSubmission(config, mode), referralCrossFieldRules(config, mode));
}
