import http from 'node:http';
import { Provider, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

// A real OpenID Connect provider for the tests (oidc-provider, panva's certified OP), on
// 127.0.0.1. No development login screens: its /interaction/:uid route signs in whichever
// test account the test chose (or refuses, like a person pressing "cancel"), and existing
// grants are given without a consent screen. PKCE is required, as a city's provider should.

/** A fixed signing key, so that runs are alike (generated once for these tests only). */
const SIGNING_KEY = {
  kty: 'RSA',
  n: 'r6eosyUz9i927K7PrDb-24iqOt7R10g_fQ8foo5w1KzLlSjlekB7JlHiZC7bYFYKkgaNrz_RfH2tbGJAt5uvl5jHc0td489-3RQeAOYE-fAv0jxZbHwJxSJ13u3ofAFfVaVm0qWef6OGi8MtHkzjG6bvTuIFcGzb5LPc92azFVZKBUw7thDZYQwvXni1Ef5oumqzKCAzE4d7KT39AjbP8q5J-F0nN3T-j6GjE-7xDWl-47O6dFViS5EK2kEHNo7_wRSnnNNz34CaktyAuB3pnqUKGCFkmP_wOrwZliAKxNvuIwb-F9HEHeknjD2NeKVYmmoOgCcWOdBdeuiqUwrmzQ',
  e: 'AQAB',
  d: 'BJvvTEwZ8fLK5GkDNVn4FAX2WYxxOyc_1eXosZjv6FS5vtSPjkaqNJY0zOYshs7wgLu_9KzwWpuS9Q4a8_Zs2XB-g02jTWVWHIejmz3DPFULcYZ4iOU0UxeVZN_J7ZRno6qvE7CZg8XkXj8lLESzjOKI0wFmnSLuHjEuB3vgD8Y5vUHjXdnrV5LGoV242iE85agMeTe9dl3J2LnaFd3oktCev0EovOwHpuKw6q5ad-7e6q0UmgSSh6ky2mCov8h7KQqD1wCLmRGf4l8ZqXrW6HV3hB9t3bzPmH2VSuE8WatrZchKLuJiddhF_zsizJpxow9PuXsftSTdqrIzQz6LrQ',
  p: '1h2QneAovR-ODsI1PYuN8xD7VjhZ8Iz_4tiWYgUBj3sm_UdM3SAqo_KrSKGAtGxqt9b9sKTvL0kagtHPJ4uWtdfLsoj_Xe4wuE6pzZYnlmpo6PUfpLh6fUtwEsYXivYbq6Y7SBC8L55OcFev2nb-FDuWpx1cpy7Qlm804uTY_Q8',
  q: '0gQSqPCo9l7Z8oo_dvOk20D9HSH1y7bsZS1rGDoxwymxPupXZh2HGuk63HNutfYyAoPBNihYeL5SoLVmioAP6s6vsVDny6qRSut55wAlAt8HFlSjEoXC1Nf_ZJQ1q7AFBpz_UrVFtjUP5ZOPVQ-pBIf4WtAUvU5_uzOeP8wCVmM',
  dp: 'SQ4zXrqyC71tgfmfos0v9MRRjVySy3HAiUzvGqisnKEfb4HZZwVnpyLQcGqyeF0ZmHphetj7xz2BLyuZK9wD4y2rEdKOlyUDOI-WflACV98cxoeEcXaETKXlqnIubDqGvG1ugqs7GmBAUTKKDNdW395pC8IH7_8YKovtFpGQu98',
  dq: 'nbR7Qqt9ZYxyg2P3Jl7tU8uohoDi73fMamnBuu6wQYqEU-dre_3-X2H2VmbEIxXeFe9UXlPLo9ffeljdyHFEAqH0YuWLOnA6LJVI9AMyx8Ysr0MdNaKGXIhaeu-koelKzN2GCVigIaQU7ONyxYA9_m4QPDl26XUSC8RGOEf9FVs',
  qi: 'j9_oMNh6s5hAwBw4LZ7sfi6WIbSWbX9YaVTOVOLNwzkgmLLQ55u5EjkehBdlU6vmOoYwK2j6ipCVxSA0F8l-qGMZS2mJCg_mIz2p71_1JjASMw4T_chhoK581T4o0FE71R2_jwOBnydI1Luxi3O45wwiEBWolAtDsM9iRctKGog',
  alg: 'RS256',
  use: 'sig',
  kid: 'welcome-center-test',
};

export type TestOidcProvider = {
  issuer: string;
  /** The people the provider knows: subject → claims (change them between sign-ins). */
  accounts: Map<string, Record<string, unknown>>;
  /** Who signs in at the next login screen; null: the person cancels (access_denied). */
  loginAs: (subject: string | null) => void;
  /** The client the app is registered as; the provider answers once this is set. */
  registerClient: (client: { clientId: string; clientSecret: string; redirectUri: string }) => void;
  close: () => Promise<void>;
};

/**
 * `loginForm`: the login screen is a page with a button, as at a real provider, so that the
 * way back to the app starts from the provider's page (its SameSite consequences included);
 * otherwise the login happens at once, for browser-less tests.
 */
export async function startTestOidcProvider(
  options: { loginForm?: boolean } = {},
): Promise<TestOidcProvider> {
  const accounts = new Map<string, Record<string, unknown>>();
  let nextLogin: string | null = null;
  let provider: Provider | undefined;
  let callback: ReturnType<Provider['callback']> | undefined;

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!provider) throw new Error('no client registered');
    const details = await provider.interactionDetails(req, res);
    if (options.loginForm && details.prompt.name === 'login' && req.method === 'GET') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><html lang="en"><head><title>City sign-in</title></head><body><main>` +
          `<h1>City sign-in</h1><form method="post" action="/interaction/${details.uid}">` +
          `<button type="submit">Sign in at the city</button></form></main></body></html>`,
      );
      return;
    }
    const result =
      details.prompt.name === 'login'
        ? nextLogin
          ? { login: { accountId: nextLogin } }
          : { error: 'access_denied', error_description: 'The person cancelled.' }
        : // Consent is given by loadExistingGrant; anything else is finished as it stands.
          {};
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  const server = http.createServer((req, res) => {
    const handle = req.url?.startsWith('/interaction/') ? interaction : callback;
    if (!handle) {
      res.statusCode = 503;
      res.end();
      return;
    }
    Promise.resolve(handle(req, res)).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;

  function registerClient(client: { clientId: string; clientSecret: string; redirectUri: string }) {
    const configuration: Configuration = {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [SIGNING_KEY] },
      cookies: { keys: ['welcome-center-test-cookie-key'] },
      scopes: ['openid', 'profile', 'email', 'groups'],
      claims: {
        openid: ['sub'],
        profile: ['name', 'preferred_username'],
        email: ['email'],
        groups: ['groups'],
      },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      // Lifetimes in seconds, stated so the provider does not warn about its defaults.
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
      },
      interactions: { url: (_ctx, details) => `/interaction/${details.uid}` },
      findAccount: (_ctx, sub) => {
        const claims = accounts.get(sub);
        return claims ? { accountId: sub, claims: () => ({ ...claims, sub }) } : undefined;
      },
      // No consent screen: whatever the client asks for is granted.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const { oidc } = ctx;
        if (!oidc.client || !oidc.session?.accountId) return undefined;
        const grantId =
          oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
        const grant = grantId
          ? await oidc.provider.Grant.find(grantId)
          : new oidc.provider.Grant({
              clientId: oidc.client.clientId,
              accountId: oidc.session.accountId,
            });
        if (!grant) return undefined;
        grant.addOIDCScope([...(oidc.requestParamScopes ?? [])].join(' '));
        await grant.save();
        return grant;
      },
    };
    provider = new Provider(issuer, configuration);
    callback = provider.callback();
  }

  return {
    issuer,
    accounts,
    loginAs: (subject) => {
      nextLogin = subject;
    },
    registerClient,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
