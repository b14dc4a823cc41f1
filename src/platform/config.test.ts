import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 3000,
      dataDir: '/srv/app/data',
      databaseUrl: undefined,
      defaultAuthority: 'musterstadt',
    });
  });

  it('names every bad value in one clear message', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', BASE_URL: 'nope' }),
    ).toThrow(ConfigError);
    // Both bad values in the one message; toThrow fails the test if nothing is thrown.
    const twoBadValues = () => loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x' });
    expect(twoBadValues).toThrow(ConfigError);
    expect(twoBadValues).toThrow(/PORT/);
    expect(twoBadValues).toThrow(/DATABASE_URL: must start with postgres/);
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });
});

describe('edge limits', () => {
  it('default to bounded timeouts and an in-flight cap', () => {
    expect(loadConfig({})).toMatchObject({
      http: {
        requestTimeoutMs: 30_000,
        headersTimeoutMs: 10_000,
        idleTimeoutMs: 60_000,
        keepAliveTimeoutMs: 72_000,
        maxInFlight: 64,
        maxEventLoopDelayMs: 200,
      },
      db: { poolSize: 10, statementTimeoutMs: 10_000, acquireTimeoutMs: 5_000 },
    });
  });

  it('name the variable of a bad value', () => {
    expect(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: 'soon' })).toThrow(
      /DB_STATEMENT_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ MAX_IN_FLIGHT_REQUESTS: '0' })).toThrow(/MAX_IN_FLIGHT_REQUESTS/);
    expect(() => loadConfig({ DB_ACQUIRE_TIMEOUT_MS: '-1' })).toThrow(/DB_ACQUIRE_TIMEOUT_MS/);
    expect(() =>
      loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' }),
    ).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS/);
  });
});

describe('production start checks', () => {
  const production = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'a-production-secret-of-at-least-32-chars',
    BASE_URL: 'https://welcome.example.org',
  };

  it('refuses to start without knowing whether a proxy is in front', () => {
    expect(() => loadConfig({ ...production, HOST: '127.0.0.1' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ ...production })).toThrow(/TRUST_PROXY/); // HOST defaults to localhost
    expect(loadConfig({ ...production, TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual([
      '127.0.0.1',
    ]);
    // On a public address too: behind a load balancer it is a proxy all the same.
    expect(() => loadConfig({ ...production, HOST: '0.0.0.0' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ ...production, HOST: '0.0.0.0', TRUST_PROXY: 'none' }).trustProxy).toBe(
      false,
    );
    expect(() => loadConfig({ ...production, TRUST_PROXY: 'none' })).toThrow(/cannot be none/);
  });

  it('refuses plain HTTP and a missing secret', () => {
    const run = () =>
      loadConfig({ NODE_ENV: 'production', BASE_URL: 'http://x.example', TRUST_PROXY: '::1' });
    expect(run).toThrow(/SESSION_SECRET/);
    expect(run).toThrow(/BASE_URL: must be https/);
  });
});
