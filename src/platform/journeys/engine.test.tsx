import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { FormClient } from '../../../test/support/form-client.ts';
import { sendError } from '../http/error-pages.tsx';
import { registerRequestContext, type Authority } from '../http/request-context.ts';
import { defineStep, registerJourney, type Journey } from './engine.ts';

// The engine on its own: a three-question journey with a conditional step, served over
// HTTP with a real database, as a guided form would declare it.

type Answers = { pet: string; name: string; size: string };
type Visit = Parameters<Parameters<typeof defineStep<Answers, true, 'pet', null>>[0]['render']>[0];

const page = (
  visit: Visit,
  title: string,
  view: {
    values: Record<string, string>;
    errors: Record<string, string>;
    action: string;
    back: string | undefined;
  },
) => (
  <html lang="en">
    <body>
      <h1>{title}</h1>
      {Object.entries(view.errors).map(([field, message]) => (
        <p class="error" data-field={field}>
          {message}
        </p>
      ))}
      <p class="values">{JSON.stringify(view.values)}</p>
      {view.back && (
        <a class="back" href={view.back}>
          back
        </a>
      )}
      <form method="post" action={view.action}>
        <input type="hidden" name="_csrf" value={visit.reply.generateCsrf()} />
      </form>
    </body>
  </html>
);

const choice = (name: string, options: string[]) =>
  z
    .object({ [name]: z.enum(options as [string, ...string[]], 'error.badRequestText') })
    .transform((v) => String(v[name]));

const submitted: Answers[] = [];

const journey: Journey<Answers, true> = {
  name: 'pets',
  answers: z.object({
    pet: z.enum(['cat', 'dog']).optional(),
    name: z.string().min(1).optional(),
    size: z.enum(['small', 'large']).optional(),
  }),
  context: async () => true,
  exit: '/pets',
  steps: [
    defineStep<Answers, true, 'pet', null>({
      key: 'pet',
      path: '/pets',
      requires: [],
      clears: ['size'],
      form: choice('pet', ['cat', 'dog']),
      fields: ['pet'],
      fallback: 'error.badRequestText',
      load: async () => null,
      render: (visit, _data, view) => page(visit, 'Which pet?', view),
    }),
    defineStep<Answers, true, 'name', null>({
      key: 'name',
      path: '/pets/name',
      requires: ['pet'],
      form: z
        .object({ name: z.string().trim().min(1, 'error.badRequestText') })
        .transform((v) => v.name),
      fields: ['name'],
      fallback: 'error.badRequestText',
      load: async () => null,
      render: (visit, _data, view) => page(visit, 'Its name?', view),
    }),
    // Only dogs come in sizes.
    defineStep<Answers, true, 'size', null>({
      key: 'size',
      path: '/pets/size',
      requires: ['pet'],
      applies: (answers) => answers.pet === 'dog',
      form: choice('size', ['small', 'large']),
      fields: ['size'],
      fallback: 'error.badRequestText',
      load: async () => null,
      check: async (size, _load, visit) =>
        size === 'large' && visit.answers.name === 'Tiny' ? 'error.badRequestTitle' : undefined,
      render: (visit, _data, view) => page(visit, 'Which size?', view),
    }),
  ],
  finish: defineStep<Answers, true, 'pet', null, object>({
    path: '/pets/check',
    requires: ['pet', 'name'],
    form: z.object({}),
    fields: [],
    fallback: 'error.badRequestText',
    load: async () => null,
    render: (visit, _data, view) => page(visit, `Check: ${JSON.stringify(visit.answers)}`, view),
    submit: async (visit) => {
      submitted.push({ pet: '', name: '', size: '', ...visit.answers });
      visit.answers = {};
      return { redirect: '/pets/done' };
    },
  }),
};

const AUTHORITY: Authority = {
  id: 'musterstadt',
  name: 'Musterstadt',
  land: 'NI',
  contactEmail: 'a@example.org',
  accessibilityEmail: 'a@example.org',
  accessibilityStatementDate: '2026-01-01',
  conciliationUrl: 'https://example.org',
  phone: null,
  timeZone: 'Europe/Berlin',
};

let test: TestDatabase;
let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  test = await createTestDatabase();
  app = Fastify();
  await app.register(formbody);
  await app.register(cookie, { secret: 'a test secret that is long enough to sign cookies' });
  await app.register(csrf, { sessionPlugin: '@fastify/cookie' });
  registerRequestContext(app, {
    resolveAuthority: async () => AUTHORITY,
    navigation: { main: [], footer: [] },
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  registerJourney(app, journey, { db: test.db, secureCookies: false, clock: () => new Date() });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

describe('a declared journey', () => {
  it('asks one question per page, skips a step whose condition fails, and finishes once', async () => {
    const client = new FormClient(base);
    expect((await client.get('/en/pets')).html).toContain('Which pet?');
    expect((await client.post('/en/pets', { pet: 'cat' })).location).toBe('/en/pets/name');
    // The size question does not apply to cats: straight to the check page.
    expect((await client.post('/en/pets/name', { name: 'Mia' })).location).toBe('/en/pets/check');
    const check = await client.get('/en/pets/check');
    expect(check.html).toContain(
      'Check: {&quot;pet&quot;:&quot;cat&quot;,&quot;name&quot;:&quot;Mia&quot;}',
    );
    expect((await client.post('/en/pets/check', {})).location).toBe('/en/pets/done');
    expect(submitted.at(-1)).toMatchObject({ pet: 'cat', name: 'Mia' });
    // Finished: the answers are gone, the next visit starts at the first question.
    expect((await client.get('/en/pets/check')).location).toBe('/en/pets');
  });

  it('sends a page reached too early to the first open question', async () => {
    const client = new FormClient(base);
    expect((await client.get('/en/pets/name')).location).toBe('/en/pets');
    expect((await client.get('/en/pets/check')).location).toBe('/en/pets');
  });

  it('re-renders with the error and the input on a bad answer, and stores nothing', async () => {
    const client = new FormClient(base);
    await client.get('/en/pets');
    const bad = await client.post('/en/pets', { pet: 'parrot' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('data-field="pet"');
    expect(bad.html).toContain('parrot');
    expect((await client.get('/en/pets/name')).location).toBe('/en/pets');
  });

  it('clears the answers a changed answer invalidates, and a change link comes back to check', async () => {
    const client = new FormClient(base);
    await client.get('/en/pets');
    await client.post('/en/pets', { pet: 'dog' });
    expect((await client.post('/en/pets/name', { name: 'Rex' })).location).toBe('/en/pets/size');
    const size = await client.get('/en/pets/size');
    expect(size.html).toContain('href="/en/pets/name"'); // back to the previous question
    expect((await client.post('/en/pets/size', { size: 'large' })).location).toBe('/en/pets/check');
    // Changing the name keeps the size: back to check at once.
    await client.get('/en/pets/name');
    expect((await client.post('/en/pets/name', { name: 'Max' })).location).toBe('/en/pets/check');
    // Changing the pet clears the size: the size is asked again, then check.
    await client.get('/en/pets');
    expect((await client.post('/en/pets', { pet: 'cat' })).location).toBe('/en/pets/check');
    await client.get('/en/pets');
    expect((await client.post('/en/pets', { pet: 'dog' })).location).toBe('/en/pets/size');
  });

  it('refuses a valid answer the loaded data rules out', async () => {
    const client = new FormClient(base);
    await client.get('/en/pets');
    await client.post('/en/pets', { pet: 'dog' });
    await client.post('/en/pets/name', { name: 'Tiny' });
    await client.get('/en/pets/size');
    const refused = await client.post('/en/pets/size', { size: 'large' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('data-field="size"');
  });

  it('parses stored answers when loading them: answers that no longer parse are dropped', async () => {
    const client = new FormClient(base);
    await client.get('/en/pets');
    await client.post('/en/pets', { pet: 'cat' });
    await client.post('/en/pets/name', { name: 'Mia' });
    // A later version of the journey no longer knows "cat": the stored slice is invalid.
    await sql`UPDATE journey_session SET data = jsonb_set(data, '{pets,pet}', '"hamster"')`.execute(
      test.db,
    );
    expect((await client.get('/en/pets/check')).location).toBe('/en/pets');
  });

  it('refuses a POST without its CSRF token', async () => {
    const response = await fetch(`${base}/en/pets`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'pet=cat',
    });
    expect(response.status).toBe(403);
  });
});
