/** Longest return comment: the schema refuses longer ones, the text area stops typing there. Client-safe, no zod. */
export const RETURN_COMMENT_MAX = 1000;
