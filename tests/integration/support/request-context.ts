/** The session next-auth would decode from the current request's cookie; null = anonymous. */
export const currentSession: { value: { uid: string; sv: number; sid: string } | null } = { value: null };

/** Headers of the current request; a browser's server action call carries its Origin. */
export const currentHeaders: { value: Record<string, string> } = { value: {} };

export const SAME_ORIGIN_HEADERS = { origin: 'http://localhost:3000', host: 'localhost:3000' };

/** Other cookies the app set in this test (name → value), as the browser would keep them. */
export const currentCookies: { value: Record<string, string> } = { value: {} };
