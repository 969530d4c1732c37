import { launch, ctx, timedGoto, shot } from './lib';
(async () => {
  const b = await launch();
  const c = await ctx(b);
  const p = await c.newPage();
  await timedGoto(p, '/');
  await shot(p, '00-login-desktop');
  console.log(await p.content().then(h => h.replace(/<script[\s\S]*?<\/script>/g,'').replace(/<style[\s\S]*?<\/style>/g,'').slice(0, 4000)));
  await b.close();
})();
