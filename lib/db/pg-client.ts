/**
 * One plain `pg` connection for one piece of work, closed afterwards: for what the Prisma client does not do
 * (roles and grants, the audit chain's verification in one snapshot). Plain Node, no server-only.
 */
import pg from 'pg';

export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
