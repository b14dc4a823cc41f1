import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { DEMO_STAFF } from '../../../test/support/staff.ts';
import { deriveStaffKeys, startVerifiedSession } from '../../staff/index.ts';
import { TEST_SESSION_SECRET } from '../../../test/support/database-admin.ts';
import { registerStaffGuard, staffCsrfToken, type RouteExample } from './guard.ts';
import { rolesFor, ROLES, type Role } from './policy.ts';
import { sha256 } from '../../staff/secrets.ts';

// The generated policy test: every route registered under /staff, tried by every role and by
// a stranger. Allowed → success, denied → 403, anonymous → the sign-in. A route without a
// policy entry stops the app from starting, so it cannot slip past this walk.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

/** A fresh session of the demo member holding `role` (a real session, as a passkey gives). */
async function sessionOf(role: Role) {
  const db = server.database.db;
  const member = await db
    .selectFrom('staff_member')
    .where('username', '=', DEMO_STAFF[role])
    .select(['id', 'username', 'authority_id'])
    .executeTakeFirstOrThrow();
  const token = await startVerifiedSession(
    { db, keys: deriveStaffKeys(TEST_SESSION_SECRET), clock: () => new Date() },
    {
      authorityId: member.authority_id,
      address: '127.0.0.1',
      userAgent: 'walk',
      requestId: 'walk',
    },
    member,
    'passkey',
  );
  const csrf = staffCsrfToken(server.app.staffArea.csrfKey, { sessionId: sha256(token) });
  return { cookie: `wc_staff=${token}`, csrf };
}

function requestOf(url: string, example: RouteExample | undefined) {
  const path = url.replace(/:(\w+)/g, (_match, name: string) => {
    const value = example?.params?.[name];
    if (value === undefined) throw new Error(`${url} needs example.params.${name}`);
    return encodeURIComponent(value);
  });
  return example?.query ? `${path}?${example.query}` : path;
}

async function send(
  method: string,
  url: string,
  example: RouteExample | undefined,
  session?: { cookie: string; csrf: string },
) {
  const body =
    method === 'GET'
      ? undefined
      : new URLSearchParams({ ...example?.body, _csrf: session?.csrf ?? '' });
  return fetch(`${server.url}${requestOf(url, example)}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(session ? { cookie: session.cookie } : {}),
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body,
  });
}

describe('every staff route for every role', () => {
  it('has routes to walk', () => {
    const guarded = server.app.staffRouteTable.filter((r) => 'action' in r.rule);
    expect(guarded.length).toBeGreaterThan(0);
  });

  it('answers each role as the policy says, and sends strangers to the sign-in', async () => {
    const failures: string[] = [];
    for (const { method, url, rule } of server.app.staffRouteTable) {
      if (!('action' in rule)) continue;
      const allowed = rolesFor(rule.action);
      const anonymous = await send(method, url, rule.example);
      const expectedAnonymous = method === 'GET' ? 303 : 401;
      if (anonymous.status !== expectedAnonymous) {
        failures.push(`${method} ${url} anonymous: ${anonymous.status}`);
      } else if (
        method === 'GET' &&
        !anonymous.headers.get('location')?.startsWith('/staff/sign-in')
      ) {
        failures.push(`${method} ${url} anonymous: not sent to the sign-in`);
      }
      for (const role of ROLES) {
        const res = await send(method, url, rule.example, await sessionOf(role));
        const status = res.status;
        await res.arrayBuffer();
        if (allowed.includes(role)) {
          const expected = rule.example?.status;
          const ok =
            expected !== undefined
              ? status === expected
              : method === 'GET'
                ? status === 200
                : status < 400;
          if (!ok) failures.push(`${method} ${url} as ${role} (allowed): ${status}`);
        } else if (status !== 403) {
          failures.push(`${method} ${url} as ${role} (denied): ${status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('a staff route without a policy entry', () => {
  it('stops the app from starting', async () => {
    const app = Fastify();
    registerStaffGuard(app, {
      resolve: async () => undefined,
      csrfKey: 'k',
      strictMessages: true,
      navigation: [],
    });
    expect(() => app.get('/staff/forgotten', async () => 'personal data')).toThrow(/has no policy/);
    await app.close();
  });
});
