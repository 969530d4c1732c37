import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/**
 * False in the server HTML, true once React runs in the browser. Forms that only work with JavaScript keep
 * their submit button disabled until then: on a slow connection a tap before that would send a plain
 * form post and silently lose what was typed.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
