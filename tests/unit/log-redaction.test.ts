import { describe, expect, it, vi } from 'vitest';

import { Prisma } from '@/lib/generated/prisma/client';
import { installLogRedaction, redactForLog } from '@/lib/log-redaction';

const NAME = 'Marie Schneider';

describe('log redaction', () => {
  it('withholds the message of a database error, keeping class, code and stack frames', () => {
    const error = new Prisma.PrismaClientKnownRequestError(
      `Raw query failed. Code: \`22P02\`. Message: \`invalid input syntax for type uuid: "${NAME}"\``,
      { code: 'P2010', clientVersion: '7.10.0' },
    );
    const redacted = redactForLog(error) as Error;
    expect(redacted.message).not.toContain(NAME);
    expect(redacted.stack).not.toContain(NAME);
    expect(redacted.message).toContain('P2010');
    expect(redacted.stack).toMatch(/\n\s+at /);
  });

  it('withholds database texts inside other errors, causes and strings', () => {
    const wrapped = new Error('render failed', {
      cause: new Error(`Key (phone)=(0511 123) violates unique constraint`),
    });
    expect(String((redactForLog(wrapped) as Error).message)).not.toContain('render failed');
    expect(redactForLog(`⨯ Error: Invalid \`prisma.referral.findMany()\` invocation: "${NAME}"`)).not.toContain(NAME);
  });

  it('leaves ordinary messages alone', () => {
    const error = new Error('Next.js exited (code 1).');
    expect(redactForLog(error)).toBe(error);
    expect(redactForLog('Applied migrations: 2026_init')).toBe('Applied migrations: 2026_init');
  });

  it('applies to everything printed through the console once installed', () => {
    const printedTo = vi.fn();
    const target = { error: printedTo, warn: vi.fn(), log: vi.fn() };
    installLogRedaction(target);
    target.error(
      new Prisma.PrismaClientUnknownRequestError(`invalid input syntax for type uuid: "${NAME}"`, {
        clientVersion: '7',
      }),
    );
    const printed = (printedTo.mock.calls as unknown[][]).flat().map(String).join(' ');
    expect(printed).not.toContain(NAME);
  });
});
