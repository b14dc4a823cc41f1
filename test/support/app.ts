import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Db } from '../../src/platform/db/database.ts';

export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

export async function createTestApp(db: Db, env: Record<string, string> = {}) {
  const app = await buildApp({ config: testConfig(env), db });
  await app.ready();
  return app;
}
