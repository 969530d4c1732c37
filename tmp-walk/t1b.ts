import { launch, ctx, timedGoto, shot, overflow, countStep } from './lib';
(async () => {
  const b = await launch();
  for (const mobile of [false, true]) {
  const c = await ctx(b, mobile, '/tmp/walk/state-admin.json');
  const p = await c.newPage();
  const sfx = mobile ? 'phone' : 'desktop';
  await timedGoto(p, '/');
  if (mobile) { await shot(p, '11-admin-start-phone'); await overflow(p, 'start phone'); }
  countStep('open Wer ist zuständig?');
  const link = p.getByRole('link', { name: 'Wer ist zuständig?' }).first();
  console.log('  link visible?', await link.isVisible());
  await link.click();
  await p.waitForURL('**/wer-ist-zustaendig**');
  countStep('Wohnort Sehnde'); await p.selectOption('select[name=gemeinde]', { label: 'Sehnde' });
  countStep('Geschlecht Frauen'); await p.selectOption('select[name=geschlecht]', { label: 'Frauen' });
  countStep('Datum 2026-12-15'); await p.fill('input[name=datum]', '2026-12-15');
  countStep('Anzeigen');
  const t = Date.now();
  await p.getByRole('button', { name: 'Anzeigen' }).click();
  await p.waitForLoadState('load'); await p.waitForTimeout(1500);
  console.log('  result in', Date.now() - t, 'ms; url', p.url());
  await shot(p, `12-wer-result-${sfx}`);
  await overflow(p, 'wer result ' + sfx);
  if (!mobile) console.log(await p.locator('main').innerText());
  await c.close();
  }
  await b.close();
})();
