// Stand-in for the `server-only` package in Vitest (aliased in vitest.config.ts): the real one throws
// outside the react-server condition. Tests run on the server anyway.
export {};
