/** The session next-auth would decode from the current request's cookie; null = anonymous. */
export const currentSession: { value: { uid: string; sv: number; authTime: number } | null } = { value: null };
