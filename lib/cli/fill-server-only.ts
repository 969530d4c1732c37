import { registerHooks } from 'node:module';

/**
 * Lets this plain Node process load modules marked `import 'server-only'` (lib/referrals/sealed.ts and its
 * neighbours), so that the fill and the queue benchmark seal and query with the app's own code instead of a
 * copy that could drift from it. The marker package throws outside React's server build; Vitest swaps it for
 * an empty module in the same way (vitest.config.ts). Call this before the first dynamic import of such a
 * module: static imports are resolved before any code runs.
 */
let installed = false;

export function allowServerOnlyModules(): void {
  if (installed) return;
  installed = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'server-only') return { url: 'data:text/javascript,export {}', shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}
