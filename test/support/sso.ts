import type { FastifyInstance } from 'fastify';
import { createTestApp } from './app.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { startTestOidcProvider, type TestOidcProvider } from './oidc-provider.ts';

// The app with single sign-on through a real provider on loopback, for one test file: the
// authority's configuration is stored before the app starts (the sign-in page learns at
// start-up who offers it), the redirect URI once the app's port is known.

export const SSO_SECRET_VARIABLE = 'WC_TEST_OIDC_CLIENT_SECRET';
export const SSO_CLIENT_SECRET = 'a-client-secret-only-the-provider-and-the-environment-know';

/** Groups of the city's directory → roles at offices. */
export const SSO_RULES = [
  { claim: 'groups', value: 'wc-caseworker', role: 'caseworker', office: 'central' },
  { claim: 'groups', value: 'wc-teamlead-north', role: 'team_lead', office: 'north' },
];

export type SsoTestServer = {
  /** The app's address; `appHost` may differ from the provider's 127.0.0.1 (another site). */
  url: string;
  app: FastifyInstance;
  op: TestOidcProvider;
  database: TestDatabase;
  close: () => Promise<void>;
};

export async function startSsoTestServer(
  options: { appHost?: 'localhost' | '127.0.0.1'; loginForm?: boolean } = {},
): Promise<SsoTestServer> {
  process.env[SSO_SECRET_VARIABLE] = SSO_CLIENT_SECRET;
  const op = await startTestOidcProvider({ loginForm: options.loginForm ?? false });
  const database = await createTestDatabase();
  await database.db
    .insertInto('authority_oidc')
    .values({
      authority_id: 'musterstadt',
      issuer: op.issuer,
      client_id: 'welcome-center',
      client_secret_env: SSO_SECRET_VARIABLE,
      redirect_uri: 'http://127.0.0.1:1/staff/sign-in/sso/callback',
      scopes: 'openid profile groups',
      claim_mapping: JSON.stringify(SSO_RULES),
      provision_unknown: true,
    })
    .execute();
  const app = await createTestApp(database.db, {
    RATE_LIMIT_PER_MINUTE: '100000',
    BOOKING_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const listening = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
  const url = `http://${options.appHost ?? '127.0.0.1'}:${listening.port}`;
  const redirectUri = `${url}/staff/sign-in/sso/callback`;
  await database.db
    .updateTable('authority_oidc')
    .set({ redirect_uri: redirectUri })
    .where('authority_id', '=', 'musterstadt')
    .execute();
  op.registerClient({ clientId: 'welcome-center', clientSecret: SSO_CLIENT_SECRET, redirectUri });
  return {
    url,
    app,
    op,
    database,
    close: async () => {
      await app.close();
      await op.close();
      await database.drop();
    },
  };
}
