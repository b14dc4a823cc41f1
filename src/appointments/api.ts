import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { listConcernsIn } from '../concerns/service.ts';
import { listOfficesIn } from '../offices/service.ts';
import { findLanguage, SOURCE_LANGUAGE } from '../platform/i18n/languages.ts';
import { createTranslator, isMessageKey } from '../platform/i18n/messages.ts';
import { negotiateLanguage } from '../platform/i18n/negotiate.ts';
import { requireAuthority } from '../platform/http/request-context.ts';
import { appointmentFacts, confirmationMail } from './confirmation.ts';
import { normaliseBookingCode } from './people.ts';
import type { AppointmentDeps } from './kit.tsx';
import {
  apiAvailabilityQuery,
  apiBookingLookup,
  apiCreateBooking,
  detailsSchema,
} from './schema.ts';
import {
  book,
  cancelBooking,
  findBookingByCode,
  findSlot,
  listFreeSlots,
  type Booking,
  type Slot,
} from './service.ts';
import { openApiDocument } from './openapi.ts';

// JSON API for other apps (e.g. a city's Integreat app): the same schemas and services as
// the HTML journey, stable error codes, messages in the caller's language.

export const API_ERRORS = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  SLOT_TAKEN: 409,
  DUPLICATE_BOOKING: 409,
  NOT_CANCELLABLE: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
} as const;
type ApiErrorCode = keyof typeof API_ERRORS;

const MAX_RANGE_DAYS = 31;

function apiLanguage(request: FastifyRequest) {
  const lang = (request.query as { lang?: unknown } | undefined)?.lang;
  if (typeof lang === 'string' && findLanguage(lang)) return lang;
  return negotiateLanguage(request.headers['accept-language']);
}

function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ApiErrorCode,
  messageKey: string,
  extra: Record<string, unknown> = {},
) {
  const t = createTranslator(apiLanguage(request));
  const message = isMessageKey(messageKey) ? t(messageKey) : messageKey;
  return reply.code(API_ERRORS[code]).send({ error: { code, message, ...extra } });
}

const slotJson = (slot: Slot) => ({
  slotId: slot.id,
  officeId: slot.officeId,
  concernId: slot.concernId,
  startsAt: slot.startsAt.toISOString(),
  endsAt: slot.endsAt.toISOString(),
  remaining: slot.capacity - slot.booked,
});

const bookingJson = (booking: Booking) => ({
  code: booking.code,
  status: booking.status,
  concernId: booking.concernId,
  officeId: booking.officeId,
  startsAt: booking.startsAt.toISOString(),
  endsAt: booking.endsAt.toISOString(),
  familyName: booking.familyName,
  givenNames: booking.givenNames,
  language: booking.language,
  interpreterLanguage: booking.interpreterLanguage,
});

export async function appointmentApi(app: FastifyInstance, deps: AppointmentDeps) {
  const { db, clock } = deps;
  const strict = { config: { rateLimit: { max: deps.bookingRateLimit, timeWindow: '1 minute' } } };

  // JSON only: a cross-site HTML form cannot post JSON, so the API needs no CSRF token.
  app.addHook('preValidation', async (request, reply) => {
    const type = String(request.headers['content-type'] ?? '');
    if (request.method === 'POST' && !type.startsWith('application/json')) {
      return sendError(reply, request, 'UNSUPPORTED_MEDIA_TYPE', 'error.badRequestText');
    }
  });

  app.get('/api/openapi.json', async () => openApiDocument(deps.baseUrl));

  app.get('/api/v1/concerns', async (request) => {
    const lang = apiLanguage(request);
    const concerns = await listConcernsIn(db, requireAuthority(request).id, lang);
    return concerns.map((c) => ({
      id: c.id,
      title: c.texts.title?.text ?? c.id,
      summary: c.texts.summary?.text ?? '',
      language: c.texts.title?.lang ?? SOURCE_LANGUAGE,
      leikaKey: c.leikaKey,
    }));
  });

  app.get('/api/v1/offices', async (request) => {
    const lang = apiLanguage(request);
    const offices = await listOfficesIn(db, requireAuthority(request).id, lang);
    return offices.map((o) => ({
      id: o.id,
      name: o.texts.name?.text ?? o.id,
      street: o.street,
      postalCode: o.postalCode,
      city: o.city,
      languages: o.languages,
      wheelchairAccessible: o.wheelchairAccessible,
    }));
  });

  app.get('/api/v1/availability', async (request, reply) => {
    const parsed = apiAvailabilityQuery.safeParse(request.query);
    if (!parsed.success)
      return sendError(reply, request, 'VALIDATION_FAILED', 'error.badRequestText');
    const { concern, office, from, to } = parsed.data;
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0 || days > MAX_RANGE_DAYS) {
      return sendError(reply, request, 'VALIDATION_FAILED', 'error.badRequestText', {
        maxDays: MAX_RANGE_DAYS,
      });
    }
    const slots = await listFreeSlots(
      db,
      requireAuthority(request).id,
      { concernId: concern, officeId: office, from, to },
      clock(),
    );
    return slots.map(slotJson);
  });

  app.post('/api/v1/bookings', strict, async (request, reply) => {
    const authority = requireAuthority(request);
    const now = clock();
    const shape = apiCreateBooking.safeParse(request.body);
    if (!shape.success) return validationError(reply, request, shape.error.issues);
    const input = shape.data;
    const [year = '', month = '', day = ''] = input.dateOfBirth.split('-');
    // The same rules as the HTML form: the API body is put into the form's shape.
    const person = detailsSchema(now).safeParse({
      familyName: input.familyName,
      givenNames: input.givenNames,
      dobDay: day,
      dobMonth: month,
      dobYear: year,
      email: input.email ?? '',
      phone: input.phone ?? '',
      language: input.language,
      interpreter: input.interpreterLanguage ? 'yes' : 'no',
      interpreterLanguage: input.interpreterLanguage ?? '',
    });
    if (!person.success) return validationError(reply, request, person.error.issues);
    const slot = await findSlot(db, authority.id, input.slotId);
    if (!slot || slot.concernId !== input.concernId) {
      return sendError(reply, request, 'NOT_FOUND', 'booking.error.chooseTime');
    }
    const manageUrl = `${deps.baseUrl}/${person.data.language}/manage`;
    // The mail's facts (texts, address) are only looked up when there is a mail to send.
    const facts = person.data.email
      ? await appointmentFacts(
          db,
          authority,
          {
            ...person.data,
            concernId: slot.concernId,
            officeId: slot.officeId,
            startsAt: slot.startsAt,
          },
          person.data.language,
        )
      : undefined;
    const site = createTranslator(person.data.language)('site.name', { city: authority.name });
    const result = await book(
      db,
      authority.id,
      { slotId: slot.id, concernId: slot.concernId, person: person.data },
      now,
      (b) => (facts ? confirmationMail(b, facts, site, manageUrl) : undefined),
    );
    if (result.ok) return reply.code(201).send(bookingJson(result.booking));
    if (result.reason === 'taken') {
      return sendError(reply, request, 'SLOT_TAKEN', 'booking.takenTitle', {
        alternatives: result.alternatives.map(slotJson),
      });
    }
    return sendError(reply, request, 'DUPLICATE_BOOKING', 'booking.duplicateTitle');
  });

  async function lookup(request: FastifyRequest) {
    const parsed = apiBookingLookup.safeParse(request.body);
    if (!parsed.success) return undefined;
    return findBookingByCode(
      db,
      requireAuthority(request).id,
      normaliseBookingCode(parsed.data.code),
      parsed.data.dateOfBirth,
    );
  }

  app.post('/api/v1/bookings/lookup', strict, async (request, reply) => {
    const booking = await lookup(request);
    if (!booking) return sendError(reply, request, 'NOT_FOUND', 'booking.lookupFailed');
    return bookingJson(booking);
  });

  app.post('/api/v1/bookings/cancel', strict, async (request, reply) => {
    const booking = await lookup(request);
    if (!booking) return sendError(reply, request, 'NOT_FOUND', 'booking.lookupFailed');
    const cancelled = await cancelBooking(db, requireAuthority(request).id, booking.id, clock());
    if (!cancelled) return sendError(reply, request, 'NOT_CANCELLABLE', 'booking.status.cancelled');
    return { ...bookingJson(booking), status: 'cancelled' };
  });
}

function validationError(
  reply: FastifyReply,
  request: FastifyRequest,
  issues: readonly z.core.$ZodIssue[],
) {
  const t = createTranslator(apiLanguage(request));
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'body');
    fields[field] ??= isMessageKey(issue.message) ? t(issue.message) : t('error.badRequestText');
  }
  return reply
    .code(400)
    .send({ error: { code: 'VALIDATION_FAILED', message: t('error.badRequestTitle'), fields } });
}
