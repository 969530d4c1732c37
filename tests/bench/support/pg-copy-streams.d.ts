/** The part of pg-copy-streams (no types of its own) the audit benchmark uses: COPY … FROM STDIN. */
declare module 'pg-copy-streams' {
  import type { Writable, WritableOptions } from 'node:stream';

  import type { Submittable } from 'pg';

  /** A query for `client.query(…)`: what is written to it goes to the server as COPY data. */
  export interface CopyStreamQuery extends Writable, Submittable {
    /** Rows the server copied, once finished. */
    rowCount: number;
  }

  export function from(text: string, options?: WritableOptions): CopyStreamQuery;
}
