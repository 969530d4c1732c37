/**
 * Where the development mail server (lib/mail/dev-server.ts) keeps what the app sent: one raw `.eml` file per
 * message in `${DATA_DIR}/mail`, read back by the development page /entwicklung/post. Files are only ever
 * opened by a name this module made and checks (a timestamp and random hex), never by a path from outside.
 * Plain Node (the launcher writes, the Next.js page reads), no server-only.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

import { parseRawMail, type ParsedMail } from './parse';

/** `20261126T134712345Z-0123456789abcdef.eml`: sorts by arrival, says nothing but the time. */
const MAIL_FILE = /^\d{8}T\d{9}Z-[0-9a-f]{16}\.eml$/;

/** Mails larger than this are not shown (the app's notices are about 1 kB). */
const MAX_SHOWN_BYTES = 256 * 1024;

export interface KeptMail extends ParsedMail {
  /** The file's name in the mail directory (also a stable key for lists). */
  file: string;
}

/** The mail directory of a data directory (DATA_DIR). */
export function mailDirectory(dataDir: string): string {
  return path.resolve(dataDir, 'mail');
}

/** Whether `file` is a name storeMail could have made: no directory part, no other file. */
export function isMailFileName(file: string): boolean {
  return MAIL_FILE.test(file);
}

let lastTime = 0;

/** Later than any name made before in this process, so that two mails in one millisecond keep their order. */
function fileNameFor(now: Date): string {
  lastTime = Math.max(now.getTime(), lastTime + 1);
  const stamp = new Date(lastTime).toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(8).toString('hex')}.eml`;
}

/** Keeps one raw message; returns its file name. Written under a temporary name first, so readers never see half. */
export async function storeMail(dir: string, raw: Buffer, now = new Date()): Promise<string> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = fileNameFor(now);
  const partial = path.join(dir, `.${file}.partial`);
  await fsp.writeFile(partial, raw, { mode: 0o600, flag: 'wx' });
  await fsp.rename(partial, path.join(dir, file));
  return file;
}

/** One kept mail by its file name; null for a name this store does not make, or no such (regular) file. */
export async function readMail(dir: string, file: string): Promise<KeptMail | null> {
  if (!isMailFileName(file)) return null;
  const location = path.join(dir, file);
  try {
    // lstat: a symbolic link, even one with a proper name, is not one of ours.
    const stat = await fsp.lstat(location);
    if (!stat.isFile() || stat.size > MAX_SHOWN_BYTES) return null;
    return { file, ...parseRawMail(await fsp.readFile(location, 'utf8')) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The newest `limit` kept mails, newest first, and how many there are; no directory yet: none. */
export async function listMails(dir: string, limit = 50): Promise<{ total: number; mails: KeptMail[] }> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { total: 0, mails: [] };
    throw error;
  }
  const files = names.filter(isMailFileName).sort().reverse();
  const mails = await Promise.all(files.slice(0, limit).map((file) => readMail(dir, file)));
  return { total: files.length, mails: mails.filter((mail): mail is KeptMail => mail !== null) };
}
