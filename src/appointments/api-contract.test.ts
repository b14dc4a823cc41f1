import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from '../platform/http/errors.ts';
import { person, slotAt, slotsFrom } from '../../test/support/booking.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';

// The API's contract: the OpenAPI document names every /api route the app has, types every
// answer and error each operation gives, and passes a standard linter. Errors are provoked
// over real HTTP and checked against the document, so a code the document does not declare
// fails here.

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: { 'application/json'?: { schema: Schema } } }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let server: TestServer;
let doc: Document;
beforeAll(async () => {
  server = await startTestServer({
    clock: () => new Date('2027-03-20T10:00:00Z'),
    // A real-looking address: the linter rightly warns about localhost servers.
    env: { BASE_URL: 'https://termine.musterstadt.test' },
  });
  await slotsFrom(server.database.db, '2027-03-22', 7);
  doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Document;
});
afterAll(() => server.close());

/** "METHOD /path" of every route under /api, read from Fastify's route tree (HEAD aside). */
function apiRoutes(tree: string): string[] {
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)(?:└── |├── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    prefixes.length = depth;
    const url = prefixes.join('') + (match[2] ?? '');
    prefixes.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD' && url.startsWith('/api/')) routes.push(`${method} ${url}`);
    }
  }
  return routes.sort();
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([url, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ url, method, operation })),
  );

function jsonSchema(operation: Operation, status: number): Schema | undefined {
  return operation.responses[String(status)]?.content?.['application/json']?.schema;
}

/** The error codes an operation declares for a status (the enum of its error body). */
function declaredCodes(operation: Operation, status: number): string[] {
  const schema = jsonSchema(operation, status) as
    { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } } | undefined;
  return schema?.properties?.error?.properties?.code?.enum ?? [];
}

const send = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${url}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body === undefined ? body : JSON.stringify(body),
  });

/**
 * Checks an answer against the document: its status is declared for the operation, its
 * body matches the declared schema, and an error's code is one the operation declares.
 */
async function expectDocumented(res: Response, method: string, url: string) {
  const operation = doc.paths[url]?.[method.toLowerCase()];
  expect(operation, `${method} ${url} documented`).toBeDefined();
  if (!operation) return undefined;
  const body = (await res.json()) as { error?: { code: string } };
  const schema = jsonSchema(operation, res.status);
  expect(schema, `${method} ${url} declares ${res.status}`).toBeDefined();
  if (body.error) expect(declaredCodes(operation, res.status)).toContain(body.error.code);
  const check = z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema).safeParse(body);
  expect(check.error?.issues ?? [], `${method} ${url} ${res.status} body`).toEqual([]);
  return body;
}

describe('the OpenAPI document', () => {
  it('documents every /api route the app has, and nothing else', () => {
    const documented = operations()
      .map(({ url, method }) => `${method.toUpperCase()} ${url}`)
      .sort();
    const registered = apiRoutes(server.app.printRoutes({ commonPrefix: false }));
    expect(registered).toContain('POST /api/v1/bookings/cancel');
    expect(documented).toEqual(registered);
  });

  it('gives every operation an id, a summary, no authentication and typed answers', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { url, method, operation } of operations()) {
      const name = `${method} ${url}`;
      expect(operation.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary, name).toBeTruthy();
      expect(operation.security, name).toEqual([]);
      const statuses = Object.keys(operation.responses).map(Number);
      expect(statuses.filter((s) => s < 300).length, name).toBe(1);
      // Typed: the fields of an object or the items of a list, not just "some object".
      for (const status of statuses) {
        const schema = jsonSchema(operation, status);
        expect(schema?.properties ?? schema?.items, `${name} ${status}`).toBeDefined();
      }
    }
  });

  it('declares the errors of every operation, with codes from the catalogue', () => {
    for (const { url, method, operation } of operations()) {
      const name = `${method} ${url}`;
      const errors = Object.keys(operation.responses)
        .map(Number)
        .filter((status) => status >= 400);
      const codes = errors.flatMap((status) => {
        const declared = declaredCodes(operation, status);
        expect(declared.length, `${name} ${status}`).toBeGreaterThan(0);
        for (const code of declared) {
          expect(ERROR_CODES, name).toContain(code);
          expect(ERROR_CATALOGUE[code as ErrorCode].status, `${name} ${code}`).toBe(status);
        }
        return declared;
      });
      // Whatever an operation does: a bad URL, the rate limit, overload, a failure.
      expect(codes, name).toEqual(
        expect.arrayContaining(['BAD_REQUEST', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE']),
      );
      expect(codes, name).toContain('INTERNAL');
      if (method === 'post') {
        expect(codes, name).toEqual(
          expect.arrayContaining([
            'VALIDATION_FAILED',
            'UNSUPPORTED_MEDIA_TYPE',
            'PAYLOAD_TOO_LARGE',
          ]),
        );
      }
    }
  });

  it("passes the recommended rules of Redocly's OpenAPI linter without a problem", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    const cli = path.resolve('node_modules/@redocly/cli/bin/cli.js');
    const result = spawnSync(
      process.execPath,
      [cli, 'lint', file, '--config', path.resolve('redocly.yaml'), '--format', 'json'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        // Offline: no usage data sent, no check for a newer version.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(result.status).toBe(0);
  }, 90_000);
});

describe('every answer as documented', () => {
  const lookup = '/api/v1/bookings/lookup';
  const cancel = '/api/v1/bookings/cancel';
  const bookings = '/api/v1/bookings';

  it('answers and errors of the reading operations', async () => {
    for (const url of ['/api/openapi.json', '/api/v1/concerns', '/api/v1/offices']) {
      await expectDocumented(await send('GET', url), 'GET', url);
      // A control character in the URL is refused before any work.
      const bad = await send('GET', `${url}?x=%00`);
      expect(bad.status).toBe(400);
      expect((await expectDocumented(bad, 'GET', url))?.error?.code).toBe('BAD_REQUEST');
    }
    const tooLong = await send('GET', `/api/v1/concerns?lang=${'x'.repeat(30)}`);
    expect((await expectDocumented(tooLong, 'GET', '/api/v1/concerns'))?.error?.code).toBe(
      'VALIDATION_FAILED',
    );
    const free = '/api/v1/availability?concern=address-registration&from=2027-03-24&to=2027-03-25';
    const slots = await send('GET', free);
    expect(slots.status).toBe(200);
    await expectDocumented(slots, 'GET', '/api/v1/availability');
    const missing = await send('GET', '/api/v1/availability?concern=address-registration');
    expect((await expectDocumented(missing, 'GET', '/api/v1/availability'))?.error?.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('answers and errors of booking, looking up and cancelling', async () => {
    const { db } = server.database;
    const slot = await slotAt(db, 'address-registration', 'north', '2027-03-24T07:00:00Z');
    const other = await slotAt(db, 'address-registration', 'north', '2027-03-24T07:15:00Z');
    await sql`UPDATE slot SET capacity = 1 WHERE id IN (${slot.id}, ${other.id})`.execute(db);
    const booking = (who: string, slotId: string) => ({
      slotId,
      concernId: 'address-registration',
      ...person(who),
    });
    const expectCode = async (res: Response, method: string, url: string, code: string) => {
      expect(res.status, code).toBe(ERROR_CATALOGUE[code as ErrorCode].status);
      expect((await expectDocumented(res, method, url))?.error?.code).toBe(code);
    };

    const created = await send('POST', bookings, booking('one', slot.id));
    expect(created.status).toBe(201);
    const { code } = (await expectDocumented(created, 'POST', bookings)) as unknown as {
      code: string;
    };
    await expectCode(
      await send('POST', bookings, booking('two', slot.id)),
      'POST',
      bookings,
      'SLOT_TAKEN',
    );
    await expectCode(
      await send('POST', bookings, booking('one', other.id)),
      'POST',
      bookings,
      'DUPLICATE_BOOKING',
    );
    await expectCode(
      await send('POST', bookings, booking('three', '999999999')),
      'POST',
      bookings,
      'NOT_FOUND',
    );

    const key = { code, dateOfBirth: '1988-06-01' };
    await expectDocumented(await send('POST', lookup, key), 'POST', lookup);
    await expectDocumented(await send('POST', cancel, key), 'POST', cancel);
    await expectCode(await send('POST', cancel, key), 'POST', cancel, 'NOT_CANCELLABLE');

    const wrong = { code, dateOfBirth: '1988-06-02' };
    for (const url of [bookings, lookup, cancel]) {
      if (url !== bookings)
        await expectCode(await send('POST', url, wrong), 'POST', url, 'NOT_FOUND');
      await expectCode(await send('POST', url, { code: 7 }), 'POST', url, 'VALIDATION_FAILED');
      await expectCode(await send('POST', url, '{"code":'), 'POST', url, 'VALIDATION_FAILED');
      const form = await send('POST', url, undefined, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      await expectCode(form, 'POST', url, 'UNSUPPORTED_MEDIA_TYPE');
      const huge = JSON.stringify({ code: 'x'.repeat(70 * 1024) });
      await expectCode(await send('POST', url, huge), 'POST', url, 'PAYLOAD_TOO_LARGE');
    }
  });
});
