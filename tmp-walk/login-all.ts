import { launch, ctx, signIn, shot } from './lib';
(async () => {
  const b = await launch();
  for (const [email, totp, name] of [['officer@polizei.example', false, 'officer'], ['admin@polizei.example', true, 'admin'], ['supervisor@polizei.example', true, 'supervisor']] as const) {
    const c = await ctx(b);
    const p = await c.newPage();
    await signIn(p, email, totp);
    await shot(p, `02-start-${name}-desktop`);
    await c.storageState({ path: `/tmp/walk/state-${name}.json` });
    await c.close();
  }
  await b.close();
})();
