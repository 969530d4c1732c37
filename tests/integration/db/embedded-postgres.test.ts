/**
 * lib/db/embedded-postgres: servers must really stop (no stray processes for their data directory),
 * durable data must survive a restart, and failures must say why.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort, startEmbeddedPostgres, startThrowawayPostgres } from '@/lib/db/embedded-postgres';

import { queryAt } from '../helpers/db';

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => fsp.rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'embedded-pg-test-'));
  scratch.push(dir);
  // mkdtemp creates 0700 directories; the postgres user (when running as root) must be able to enter it.
  await fsp.chmod(dir, 0o755);
  return path.join(dir, 'data');
}

/** Pids of running processes whose command line mentions `needle`, read from /proc. */
function processesMentioning(needle: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

/** The postmaster's child processes (checkpointer, walwriter, backends…). */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function isAlive(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startEmbeddedPostgres', () => {
  it('stops completely: no process left for its data directory, port closed, safe to call twice', async () => {
    const dataDir = await tempDir();
    const server = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), durable: false });
    const [postmaster] = processesMentioning(dataDir);
    expect(postmaster).toBeDefined();
    const family = [postmaster as number, ...childrenOf(postmaster as number)];
    expect(family.length).toBeGreaterThan(1); // postmaster plus its auxiliary processes

    await server.stop();
    await server.stop();

    expect(family.filter(isAlive)).toEqual([]);
    expect(processesMentioning(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(await portAcceptsConnections(server.port)).toBe(false);
  });

  it('keeps data across a restart when durable, without initialising again', async () => {
    const dataDir = await tempDir();
    const port = await findFreePort();
    const first = await startEmbeddedPostgres({ dataDir, port, durable: true, databaseName: 'kept' });
    try {
      expect(first.url).toMatch(/\/kept$/);
      await queryAt(first.url, "CREATE TABLE note (body text); INSERT INTO note VALUES ('still here')");
      const [settings] = await queryAt<{ fsync: string; listen: string }>(
        first.url,
        "SELECT current_setting('fsync') AS fsync, current_setting('listen_addresses') AS listen",
      );
      expect(settings).toEqual({ fsync: 'on', listen: '127.0.0.1' });
    } finally {
      await first.stop();
    }
    const versionFile = fs.statSync(path.join(dataDir, 'PG_VERSION'));

    const second = await startEmbeddedPostgres({ dataDir, port, durable: true, databaseName: 'kept' });
    try {
      expect(await queryAt(second.url, 'SELECT body FROM note')).toEqual([{ body: 'still here' }]);
      expect(fs.statSync(path.join(dataDir, 'PG_VERSION')).mtimeMs).toBe(versionFile.mtimeMs);
    } finally {
      await second.stop();
    }
  });

  it('explains a failed start with PostgreSQL’s own log lines (port already taken)', async () => {
    const blocker = net.createServer();
    const port = await findFreePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const attempt = startEmbeddedPostgres({ dataDir: await tempDir(), port, durable: false });
      await expect(attempt).rejects.toThrow(/PostgreSQL did not start[\s\S]*(could not bind|Address already in use)/);
    } finally {
      blocker.close();
    }
  });

  it('recreates a missing shared-library symlink of the platform package before starting', async () => {
    const require = createRequire(import.meta.url);
    const packageDir = path.resolve(path.dirname(require.resolve(`@embedded-postgres/linux-${process.arch}`)), '..');
    const links = JSON.parse(fs.readFileSync(path.join(packageDir, 'native', 'pg-symlinks.json'), 'utf8')) as {
      target: string;
    }[];
    const icu = links.find((link) => /libicuuc\.so\.\d+$/.test(link.target));
    expect(icu).toBeDefined();
    const linkPath = path.join(packageDir, icu?.target ?? '');
    const original = fs.readlinkSync(linkPath);
    fs.unlinkSync(linkPath);
    try {
      const server = await startThrowawayPostgres();
      await server.stop();
      expect(fs.readlinkSync(linkPath)).toBe(original);
    } finally {
      if (!fs.existsSync(linkPath)) fs.symlinkSync(original, linkPath);
    }
  });
});

describe('startThrowawayPostgres', () => {
  it('removes its temporary data directory on stop', async () => {
    const server = await startThrowawayPostgres();
    expect(fs.existsSync(path.join(server.dataDir, 'PG_VERSION'))).toBe(true);
    expect(await queryAt(server.url, "SELECT current_setting('fsync') AS fsync")).toEqual([{ fsync: 'off' }]);
    await server.stop();
    expect(fs.existsSync(server.dataDir)).toBe(false);
  });
});
