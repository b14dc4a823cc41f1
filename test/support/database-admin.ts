import pg from 'pg';

export const TEMPLATE_DATABASE = 'wc_test_template';
/** The demo staff user's password in test databases only. */
export const TEST_STAFF_PASSWORD = 'test-only-staff-password';

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
