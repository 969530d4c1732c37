/**
 * Starts the test identity provider for Playwright's webServer (playwright.config.ts):
 *
 *   tsx tests/e2e/support/oidc-provider-server.ts --port 3101 --app-url http://localhost:3100
 *
 * The client secret comes from OIDC_TEST_CLIENT_SECRET, so the config can pass the same random one to the app.
 */
import { startOidcProvider } from './oidc-provider';

function option(name: string): string {
  const index = process.argv.indexOf(name);
  const value = index > 0 ? process.argv[index + 1] : undefined;
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const port = Number(option('--port'));
const appUrl = option('--app-url');
const clientSecret = process.env.OIDC_TEST_CLIENT_SECRET;
if (!clientSecret) throw new Error('OIDC_TEST_CLIENT_SECRET is required');

const provider = await startOidcProvider({ port, appUrl, clientSecret });
console.log(`test OIDC provider at ${provider.issuer}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void provider.close().then(() => process.exit(0));
  });
}
