import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { currentTotpCode } from '@/lib/auth/mfa/totp';
import fs from 'node:fs';

export const BASE = 'http://localhost:3000';
export const PW = 'Demo-Passwort-2026';
export const SECRET = 'DEMOTOTPVERMITTLUNGHANNOVERZWEIA';

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium' });
}

export async function ctx(b: Browser, mobile = false, state?: string): Promise<BrowserContext> {
  return b.newContext({
    locale: 'de-DE',
    viewport: mobile ? { width: 360, height: 780 } : { width: 1280, height: 900 },
    storageState: state && fs.existsSync(state) ? state : undefined,
  });
}

const usedFile = '/tmp/walk/totp-used.json';
async function freshCode(account: string): Promise<string> {
  const used: Record<string, number> = fs.existsSync(usedFile) ? JSON.parse(fs.readFileSync(usedFile, 'utf8')) : {};
  for (;;) {
    const w = Math.floor(Date.now() / 30000);
    const left = 30 - (Math.floor(Date.now() / 1000) % 30);
    if (used[account] !== w && left > 4) {
      used[account] = w;
      fs.writeFileSync(usedFile, JSON.stringify(used));
      return currentTotpCode(SECRET);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export let step = 0;
export function resetSteps() { step = 0; }
export function countStep(what: string) { step++; console.log(`  step ${step}: ${what}`); }

export async function shot(page: Page, name: string, full = true) {
  const p = `/tmp/walk/${name}.png`;
  await page.screenshot({ path: p, fullPage: full });
  console.log('  shot', p);
}

export async function timedGoto(page: Page, url: string) {
  const t = Date.now();
  const r = await page.goto(BASE + url, { waitUntil: 'load' });
  const ms = Date.now() - t;
  console.log(`  GOTO ${url} -> ${r?.status()} ${ms}ms (final ${page.url()})`);
  return { status: r?.status(), ms };
}

export async function overflow(page: Page, label: string) {
  const res = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const sw = document.documentElement.scrollWidth;
    const offenders: string[] = [];
    document.querySelectorAll('body *').forEach((el) => {
      const r = (el as HTMLElement).getBoundingClientRect();
      if (r.width > 0 && (r.right > vw + 1) ) {
        const cs = getComputedStyle(el);
        offenders.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className?.toString().slice(0,40)} right=${Math.round(r.right)} text="${(el.textContent||'').trim().slice(0,40)}"`);
      }
    });
    const small: string[] = [];
    document.querySelectorAll('a, button, input, select, textarea, summary, [role=button]').forEach((el) => {
      const r = (el as HTMLElement).getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return;
      if ((el as HTMLInputElement).type === 'hidden') return;
      if (r.height < 24 || r.width < 24) small.push(`${el.tagName.toLowerCase()} ${Math.round(r.width)}x${Math.round(r.height)} "${((el as HTMLElement).innerText || (el as HTMLInputElement).value || el.getAttribute('aria-label') || '').trim().slice(0,30)}"`);
    });
    return { vw, sw, offenders: offenders.slice(0, 15), small: small.slice(0, 20) };
  });
  console.log(`  [layout ${label}] vw=${res.vw} scrollW=${res.sw}${res.sw > res.vw ? ' OVERFLOW' : ''}`);
  if (res.offenders.length) console.log('    overflowing:', res.offenders.join('\n      '));
  if (res.small.length) console.log('    small targets (<24px):', res.small.join('\n      '));
  return res;
}

export async function login(page: Page, email: string) {
  await timedGoto(page, '/anmelden');
  return page;
}

export async function signIn(page: Page, email: string, needsTotp: boolean) {
  const t0 = Date.now();
  await timedGoto(page, '/anmelden');
  await page.fill('#email', email);
  await page.fill('#password', PW);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/anmelden'), { timeout: 30000 });
  await page.waitForLoadState('load');
  console.log('  after password:', page.url(), Date.now() - t0, 'ms');
  if (needsTotp) {
    await page.waitForSelector('main input:visible');
    await shot(page, `01-totp-${email.split('@')[0]}`);
    const code = await freshCode(email);
    await page.locator('main input:visible').first().fill(code);
    const t1 = Date.now();
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await page.waitForURL((u) => !u.pathname.includes('zweiter-faktor'), { timeout: 30000 });
    await page.waitForLoadState('load');
    console.log('  after totp:', page.url(), Date.now() - t1, 'ms');
  }
  console.log(`  sign-in took ${Date.now() - t0}ms`);
}
