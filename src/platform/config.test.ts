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
