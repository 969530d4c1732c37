/** A key-encryption key's state as admins see it (lib/crypto/key-states.ts): an id and dates. Client-safe. */
export type KeyStateView = {
  id: string;
  current: boolean;
  inRing: boolean;
  currentSince: Date | null;
  /** The current key: when it must be replaced. */
  replaceBy: Date | null;
  /** An older key no longer needed: when it must be destroyed by. */
  destroyBy: Date | null;
  unusedSince: Date | null;
  goneSince: Date | null;
  sealedValues: number;
};
