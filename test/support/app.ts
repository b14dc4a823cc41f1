import { buildApp } from '../../src/app.ts';
import { TEST_SESSION_SECRET } from './database-admin.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { Db } from '../../src/platform/db/database.ts';

export function testConfig(env: Record<string, string> = {}) {
  // Shedding goes by how busy the machine is; tests of anything else must not depend on
  // that (the shedding tests set their own limits).
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MAX_IN_FLIGHT_REQUESTS: '100000',
    MAX_EVENT_LOOP_DELAY_MS: '10000',
    SESSION_SECRET: TEST_SESSION_SECRET,
    ...env,
  });
}

export async function createTestApp(db: Db, env: Record<string, string> = {}, clock?: Clock) {
  const app = await buildApp({ config: testConfig(env), db, ...(clock ? { clock } : {}) });
  await app.ready();
  return app;
}
