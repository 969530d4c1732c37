import { launch, ctx, timedGoto, shot, overflow, countStep } from './lib';
(async () => {
  const b = await launch();
  const c = await ctx(b, false, '/tmp/walk/state-admin.json');
  const p = await c.newPage();
  await timedGoto(p, '/');
  countStep('click nav "Wer ist zuständig?"');
  let t = Date.now();
  await p.getByRole('link', { name: 'Wer ist zuständig?' }).first().click();
  await p.waitForURL('**/wer-ist-zustaendig**'); await p.waitForLoadState('load');
  console.log('  nav took', Date.now() - t, 'ms');
  await shot(p, '10-wer-desktop-empty');
  console.log((await p.locator('main').innerText()));
  console.log(await p.locator('main').evaluate((m) => [...m.querySelectorAll('input,select,textarea,button')].map((e: any) => `${e.tagName} name=${e.name} type=${e.type} id=${e.id} value=${e.value}`).join('\n')));
  await b.close();
})();
