/** One benchmark of `npm run bench -- <name>`; `argv` holds the options after the name. */
export interface Benchmark {
  name: string;
  description: string;
  run: (argv: readonly string[]) => Promise<void>;
}
