import 'server-only';

import { db } from '@/lib/db';

/** The stations with their inspection and review mode, for the admin's page. */
export async function listStations() {
  return db().station.findMany({
    orderBy: [{ inspection: { name: 'asc' } }, { name: 'asc' }],
    select: { id: true, code: true, name: true, reviewMode: true, inspection: { select: { name: true } } },
  });
}
