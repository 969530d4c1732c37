import net from 'node:net';

import { describe, expect, it } from 'vitest';

/** A port on which nothing listens: the database is "down". */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('GET /api/health without a database', () => {
  it('answers 503 and reveals nothing about the failure', async () => {
    // Before the app's modules load: configuration is read once, on first use.
    process.env.DATABASE_URL = `postgres://postgres:secret-password@127.0.0.1:${await closedPort()}/app`;
    delete (globalThis as { prisma?: unknown }).prisma;
    const { GET } = await import('@/app/api/health/route');

    const response = await GET();
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).toBe('{"status":"unavailable"}');
  });
});
