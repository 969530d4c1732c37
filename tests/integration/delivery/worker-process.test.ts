/**
 * `npm run worker` as a real process (issue 12): killed with SIGKILL in the middle of deliveries, nothing is
 * lost and nothing delivered twice once another worker has taken over; stopped with SIGTERM, it finishes
 * and exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import { approveReferral } from '@/lib/review/service';

import { fileIn } from '../support/review';
import { createActor, freshWorld } from '../support/world';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const running: ChildProcess[] = [];

/** `npm run worker`'s own command, on this file's database; resolves once it works the queues. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['lib/cli/worker.ts'], {
    cwd: ROOT,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the worker did not start: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker: working')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}): ${output}`)));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

beforeEach(async () => {
  await freshWorld();
  await db().$executeRawUnsafe('DELETE FROM pgboss.job');
});

afterEach(async () => {
  for (const child of running.splice(0)) {
    child.kill('SIGKILL');
    await exited(child);
  }
});

async function approvedReferrals(count: number): Promise<string[]> {
  const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await fileIn(officer));
  await Promise.all(ids.map((referralId) => approveReferral({ actor: supervisor, input: { referralId, version: 1 } })));
  return ids;
}

async function dispatchSteps(ids: string[]): Promise<number[]> {
  const rows = await db().referralEvent.groupBy({
    by: ['referralId'],
    where: { referralId: { in: ids }, step: 'DISPATCHED' },
    _count: { _all: true },
  });
  const counts = new Map(rows.map((r) => [r.referralId, r._count._all]));
  return ids.map((id) => counts.get(id) ?? 0);
}

describe('npm run worker', () => {
  it('killed with SIGKILL in the middle of deliveries loses nothing and delivers nothing twice', async () => {
    const ids = await approvedReferrals(50);
    const first = await startWorkerProcess();
    // Some are delivered, the rest not yet: kill it then, without any chance to clean up.
    await expect
      .poll(async () => (await dispatchSteps(ids)).filter((n) => n > 0).length, { timeout: 20_000, interval: 20 })
      .toBeGreaterThan(0);
    first.kill('SIGKILL');
    await exited(first);
    // It was killed in the middle: some delivered, some not (a job it held comes back when its lease ends).
    expect((await dispatchSteps(ids)).filter((n) => n > 0).length).toBeLessThan(ids.length);

    await startWorkerProcess();
    await expect.poll(() => dispatchSteps(ids), { timeout: 90_000, interval: 200 }).toEqual(ids.map(() => 1));
    const statuses = await db().referral.findMany({ where: { id: { in: ids } }, select: { status: true } });
    expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(['DISPATCHED']));
  }, 150_000);

  it('stops on SIGTERM once its running jobs are done', async () => {
    const child = await startWorkerProcess();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(128 + 15);
  }, 60_000);
});
