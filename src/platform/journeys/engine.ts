import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { pageContext, requireAuthority, type Authority } from '../http/request-context.ts';
import { href, type PageContext } from '../ui/context.ts';
import type { FieldErrors } from '../ui/forms.tsx';
import { sendPage } from '../ui/render.ts';
import { fieldErrors } from '../ui/validation.ts';
import { JourneySession, type SessionOptions } from './session.ts';

// One-question-per-page journeys declared as data (the way GOV.UK and DEFRA's forms engine
// work): each step says where it lives, which earlier answers it needs, which later
// answers a changed answer clears, how its form is parsed and how it renders. One generic
// handler serves every step: GET renders; POST re-renders with the error summary (400) or
// stores the answer and redirects (303) to the first step still unanswered — which, once
// every answer is there, is the check-your-answers step.

export type Answers = Record<string, unknown>;

/** What a step knows of the request. */
export type Visit<A extends Answers, C> = {
  request: FastifyRequest;
  reply: FastifyReply;
  ctx: PageContext;
  authority: Authority;
  now: Date;
  session: JourneySession;
  answers: Partial<A>;
  /** What the journey works on, e.g. the booking being moved; see Journey.context. */
  context: C;
};

/** What the engine gives a step's view. */
export type StepView = {
  csrf: string;
  action: string;
  back: string | undefined;
  /** The answer as typed: the stored one, or the rejected input. */
  values: Record<string, string>;
  errors: FieldErrors;
};

/** What a step does after a valid POST instead of storing its answer, e.g. book. */
export type Outcome = { redirect: string } | { page: VNode; status: number; saveAnswers?: boolean };

export type StepDefinition<A extends Answers, C, K extends keyof A & string, D, V = A[K]> = {
  /** The answer this step gives; none for a journey's last step, which acts instead. */
  key?: K;
  /** Path after the language, e.g. '/book/office'. */
  path: string;
  /** Earlier answers this step needs; reached without them, the reader is sent back. */
  requires: readonly (keyof A & string)[];
  /** Later answers that no longer hold when this answer changes. */
  clears?: readonly (keyof A & string)[];
  /** A conditional step: skipped (and its answer ignored) unless this holds. */
  applies?: (answers: Partial<A>) => boolean;
  /** What the question needs, e.g. its options. */
  load: (visit: Visit<A, C>) => Promise<D>;
  /** Parses the posted form into the answer; messages are catalogue keys. */
  form: z.ZodType<V>;
  /** The fields of the form, to show rejected input again. */
  fields: readonly string[];
  /** The message of a field whose issue carries no catalogue key. */
  fallback: MessageKey;
  /**
   * A valid answer that the data rules out (not among the options): its message. The data
   * is loaded only when asked for, so a POST that needs none costs no query for it.
   */
  check?: (
    answer: V,
    load: () => Promise<D>,
    visit: Visit<A, C>,
  ) => Promise<MessageKey | undefined>;
  /** The stored answer as the form shows it. */
  toValues?: (answer: NonNullable<A[K]>) => Record<string, string>;
  render: (visit: Visit<A, C>, data: D, view: StepView) => VNode;
  /** Acts on the answer instead of storing it (the last step of a journey). */
  submit?: (visit: Visit<A, C>, answer: V) => Promise<Outcome>;
  /** Per-route options, e.g. a stricter rate limit for the step that books. */
  routeConfig?: Record<string, unknown>;
  /**
   * The answer is personal data (name, date of birth, contact): storing it gives the session
   * a new id, so a cookie planted or left behind earlier does not see it.
   */
  personal?: boolean;
};

/** A step with its data type hidden: what the engine keeps in a journey's list. */
export type Step<A extends Answers, C> = {
  key: (keyof A & string) | undefined;
  path: string;
  requires: readonly (keyof A & string)[];
  clears: readonly (keyof A & string)[];
  applies: (answers: Partial<A>) => boolean;
  routeConfig: Record<string, unknown>;
  personal: boolean;
  show: (visit: Visit<A, C>, back: string | undefined) => Promise<VNode>;
  accept: (
    visit: Visit<A, C>,
    back: string | undefined,
    body: unknown,
  ) => Promise<
    { ok: true; answer: unknown; act?: () => Promise<Outcome> } | { ok: false; page: VNode }
  >;
};

const bodyFields = (body: unknown, names: readonly string[]) => {
  const input = (body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = Array.isArray(input[name]) ? (input[name] as unknown[])[0] : input[name];
    values[name] = typeof value === 'string' ? value.slice(0, 300) : '';
  }
  return values;
};

export function defineStep<A extends Answers, C, K extends keyof A & string, D, V = A[K]>(
  def: StepDefinition<A, C, K, D, V>,
): Step<A, C> {
  const storedValues = (visit: Visit<A, C>): Record<string, string> => {
    const stored = def.key === undefined ? undefined : visit.answers[def.key];
    if (stored === undefined || stored === null || def.key === undefined) return {};
    if (def.toValues) return def.toValues(stored);
    return { [def.key]: typeof stored === 'string' ? stored : '' };
  };
  const view = (
    visit: Visit<A, C>,
    back: string | undefined,
    input?: { values: Record<string, string>; errors: FieldErrors },
  ): StepView => ({
    csrf: visit.reply.generateCsrf(),
    action: href(visit.ctx, def.path),
    back: back && href(visit.ctx, back),
    values: input?.values ?? storedValues(visit),
    errors: input?.errors ?? {},
  });
  return {
    key: def.key,
    path: def.path,
    requires: def.requires,
    clears: def.clears ?? [],
    applies: def.applies ?? (() => true),
    routeConfig: def.routeConfig ?? {},
    personal: def.personal ?? false,
    async show(visit, back) {
      const data = await def.load(visit);
      return def.render(visit, data, view(visit, back));
    },
    async accept(visit, back, body) {
      const values = bodyFields(body, def.fields);
      const parsed = def.form.safeParse(body ?? {});
      // Loaded once, and only when a rejection is rendered or the check needs it: the
      // booking's POST goes straight to its submit.
      let loaded: Promise<D> | undefined;
      const load = () => (loaded ??= def.load(visit));
      const reject = async (errors: FieldErrors) => ({
        ok: false as const,
        page: def.render(visit, await load(), view(visit, back, { values, errors })),
      });
      if (!parsed.success) {
        const errors = fieldErrors(visit.ctx.t, parsed.error.issues, {}, def.fallback);
        // The error summary lists the fields in the order the page shows them.
        const order = (field: string) => (def.fields.indexOf(field) + 1 || Infinity) as number;
        const sorted = Object.entries(errors).sort(([a], [b]) => order(a) - order(b));
        return reject(Object.fromEntries(sorted));
      }
      const refused = await def.check?.(parsed.data, load, visit);
      if (refused) return reject({ [def.fields[0] ?? 'form']: visit.ctx.t(refused) });
      const submit = def.submit;
      return {
        ok: true,
        answer: parsed.data,
        act: submit && (() => submit(visit, parsed.data)),
      };
    },
  };
}

export type Journey<A extends Answers, C> = {
  /** The session slice holding this journey's answers. */
  name: string;
  /** Parses the stored answers when they are loaded; answers that no longer parse are dropped. */
  answers: z.ZodType<Partial<A>>;
  /** The questions, in order. */
  steps: readonly Step<A, C>[];
  /** The step reached once every question is answered (check your answers), which acts. */
  finish: Step<A, C>;
  /** What the journey works on; undefined sends the reader to `exit`. */
  context: (visit: Omit<Visit<A, C>, 'context'>) => Promise<C | undefined>;
  exit: string;
  /** The back link of the first step, when there is a page before the journey. */
  back?: string;
  /** On GET of the first step: may change the answers and name the step to go to instead. */
  start?: (visit: Visit<A, C>) => Promise<string | undefined>;
};

export type JourneyDeps = SessionOptions & { clock: Clock };

/** The request's journey session, loaded once per request. */
export async function journeySession(
  request: FastifyRequest,
  deps: JourneyDeps,
  now: Date,
): Promise<JourneySession> {
  request.journeySession ??= await JourneySession.load(
    deps,
    requireAuthority(request).id,
    request,
    now,
  );
  return request.journeySession;
}

declare module 'fastify' {
  interface FastifyRequest {
    journeySession: JourneySession | null;
  }
}

/** The first applicable question without an answer, or the finishing step. */
function nextStep<A extends Answers, C>(journey: Journey<A, C>, answers: Partial<A>): Step<A, C> {
  const open = journey.steps.find(
    (step) => step.applies(answers) && step.key !== undefined && answers[step.key] === undefined,
  );
  return open ?? journey.finish;
}

/** Registers GET and POST for every step of the journey. */
export function registerJourney<A extends Answers, C>(
  app: FastifyInstance,
  journey: Journey<A, C>,
  deps: JourneyDeps,
) {
  if (!app.hasRequestDecorator('journeySession')) app.decorateRequest('journeySession', null);
  const steps = [...journey.steps, journey.finish];

  async function begin(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Visit<A, C> | undefined> {
    const now = deps.clock();
    const ctx = pageContext(request);
    const authority = requireAuthority(request);
    const session = await journeySession(request, deps, now);
    const answers: Partial<A> = session.read(journey.name, journey.answers) ?? {};
    const base = { request, reply, ctx, authority, now, session, answers };
    const context = await journey.context(base);
    return context === undefined ? undefined : { ...base, context };
  }

  const go = (visit: Visit<A, C>, path: string) => {
    visit.session.write(journey.name, visit.answers);
    return visit.session
      .save(visit.reply, visit.now)
      .then(() => visit.reply.redirect(href(visit.ctx, path), 303));
  };

  /** Where a step reached too early sends the reader: the first question still open. */
  const missingFor = (step: Step<A, C>, answers: Partial<A>) => {
    if (step.requires.every((key) => answers[key] !== undefined)) return undefined;
    return nextStep(journey, answers);
  };

  steps.forEach((step, index) => {
    const previous = steps.slice(0, index).reverse();
    const config = { ...step.routeConfig };
    const backPath = (answers: Partial<A>) =>
      previous.find((s) => s.applies(answers))?.path ?? journey.back;

    app.get(`/:lang${step.path}`, { config }, async (request, reply) => {
      const visit = await begin(request, reply);
      if (!visit) return reply.redirect(href(pageContext(request), journey.exit), 303);
      if (index === 0 && journey.start) {
        const jump = await journey.start(visit);
        if (jump) return go(visit, jump);
        await visit.session.save(reply, visit.now);
      }
      const missing = missingFor(step, visit.answers);
      if (missing) return go(visit, missing.path);
      return sendPage(reply, await step.show(visit, backPath(visit.answers)));
    });

    app.post(
      `/:lang${step.path}`,
      { preHandler: app.csrfProtection, config },
      async (request, reply) => {
        const visit = await begin(request, reply);
        if (!visit) return reply.redirect(href(pageContext(request), journey.exit), 303);
        const missing = missingFor(step, visit.answers);
        if (missing) return go(visit, missing.path);
        const result = await step.accept(visit, backPath(visit.answers), request.body);
        if (!result.ok) return sendPage(reply, result.page, 400);
        if (result.act) {
          const outcome = await result.act();
          if ('redirect' in outcome) return go(visit, outcome.redirect);
          if (outcome.saveAnswers) {
            visit.session.write(journey.name, visit.answers);
            await visit.session.save(reply, visit.now);
          }
          return sendPage(reply, outcome.page, outcome.status);
        }
        if (step.key === undefined) return go(visit, journey.finish.path);
        const changed = JSON.stringify(visit.answers[step.key]) !== JSON.stringify(result.answer);
        const answers: Partial<A> = { ...visit.answers, [step.key]: result.answer };
        if (changed) for (const key of step.clears) delete answers[key];
        if (step.personal) visit.session.rotate();
        visit.answers = answers;
        return go(visit, nextStep(journey, answers).path);
      },
    );
  });
}
