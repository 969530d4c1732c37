import { checkDatabase } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** Liveness for load balancers: 200 when the database answers, 503 otherwise, and nothing more. */
export async function GET() {
  const ok = await checkDatabase();
  return Response.json(
    { status: ok ? 'ok' : 'unavailable' },
    { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
