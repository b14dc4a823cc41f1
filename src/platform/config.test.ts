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
