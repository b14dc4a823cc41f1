import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { Db } from '../../src/platform/db/database.ts';

export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

export async function createTestApp(db: Db, env: Record<string, string> = {}, clock?: Clock) {
  const app = await buildApp({ config: testConfig(env), db, ...(clock ? { clock } : {}) });
  await app.ready();
  return app;
}
