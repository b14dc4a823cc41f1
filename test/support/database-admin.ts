import pg from 'pg';

export const TEMPLATE_DATABASE = 'wc_test_template';
/** The demo staff accounts' password in test databases only. */
export const TEST_STAFF_PASSWORD = 'test-only-staff-password';
/** The application secret of test apps: the demo accounts' TOTP secrets are sealed with it. */
export const TEST_SESSION_SECRET = 'test-only-session-secret-of-at-least-32-characters';

export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
