import 'server-only';

import { db } from '@/lib/db';

const TIMEOUT_MS = 2_000;

/** True when the database answers a trivial query within two seconds. Never throws. */
export async function checkDatabase(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), TIMEOUT_MS);
    });
    const query = db().$queryRaw`SELECT 1`.then(() => true).catch(() => false);
    return await Promise.race([query, timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
