import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listConcernsIn } from '../concerns/index.ts';
import { listOfficesIn } from '../offices/index.ts';
import { apiLanguage } from '../platform/http/api-language.ts';
import { AppError } from '../platform/http/errors.ts';
import { publicOperation, registerJsonApi } from '../platform/http/json-api.ts';
import { requireAuthority } from '../platform/http/request-context.ts';
import { SOURCE_LANGUAGE } from '../platform/i18n/languages.ts';
import {
  availabilityQuery,
  bookingAnswer,
  bookingJson,
  bookingLookup,
  bookingRequest,
  concernAnswer,
  languageQuery,
  officeAnswer,
  slotAnswer,
  slotJson,
  slotTakenDetails,
} from './api-schema.ts';
import {
  bookAppointment,
  cancelAppointment,
  findBookingOfPerson,
  listFreeSlots,
  type AppointmentDeps,
  type AuthorityRef,
} from './service.ts';

// JSON API for other apps (e.g. a city's Integreat app): each route declares its input,
// answer and errors (see api-schema.ts), calls one service function and answers; errors
// are thrown to the one error handler, which answers in the caller's language.

export type AppointmentApiDeps = AppointmentDeps & { bookingRateLimit: number };

const TAG = 'appointments';

export async function appointmentApi(app: FastifyInstance, deps: AppointmentApiDeps) {
  const { db } = deps;
  await registerJsonApi(app, {
    title: 'Welcome Center appointments API',
    version: '1.0.0',
    description:
      'Concerns, offices, free times and bookings of a Welcome Center. Texts and error ' +
      'messages come in the language of `?lang=` or else of the Accept-Language header.',
    baseUrl: deps.baseUrl,
    documentPath: '/api/openapi.json',
    tags: [{ name: TAG, description: 'Booking an appointment without an account' }],
  });
  const api = app.withTypeProvider<ZodTypeProvider>();
  const strict = { rateLimit: { max: deps.bookingRateLimit, timeWindow: '1 minute' } };

  /** A booking by its code and the date of birth; an impossible date finds none either. */
  async function findBooking(authority: AuthorityRef, key: z.output<typeof bookingLookup>) {
    const booking = await findBookingOfPerson(deps, authority, key);
    if (!booking) throw new AppError('NOT_FOUND', {}, 'booking.lookupFailed');
    return booking;
  }

  api.get(
    '/api/v1/concerns',
    {
      schema: publicOperation({
        operationId: 'listConcerns',
        summary: 'Concerns that can be booked',
        tags: [TAG],
        querystring: languageQuery,
        response: { 200: z.array(concernAnswer).describe('The concerns') },
        errors: ['NOT_FOUND'],
      }),
    },
    async (request) => {
      const lang = apiLanguage(request);
      const concerns = await listConcernsIn(db, requireAuthority(request).id, lang);
      return concerns.map((c) => ({
        id: c.id,
        title: c.texts.title?.text ?? c.id,
        summary: c.texts.summary?.text ?? '',
        language: c.texts.title?.lang ?? SOURCE_LANGUAGE,
        leikaKey: c.leikaKey,
      }));
    },
  );

  api.get(
    '/api/v1/offices',
    {
      schema: publicOperation({
        operationId: 'listOffices',
        summary: 'Offices',
        tags: [TAG],
        querystring: languageQuery,
        response: { 200: z.array(officeAnswer).describe('The offices') },
        errors: ['NOT_FOUND'],
      }),
    },
    async (request) => {
      const offices = await listOfficesIn(db, requireAuthority(request).id, apiLanguage(request));
      return offices.map((o) => ({
        id: o.id,
        name: o.texts.name?.text ?? o.id,
        street: o.street,
        postalCode: o.postalCode,
        city: o.city,
        languages: o.languages,
        wheelchairAccessible: o.wheelchairAccessible,
      }));
    },
  );

  api.get(
    '/api/v1/availability',
    {
      schema: publicOperation({
        operationId: 'listFreeSlots',
        summary: 'Free times of a concern, with their free places',
        tags: [TAG],
        querystring: availabilityQuery,
        response: { 200: z.array(slotAnswer).describe('Free times, earliest first') },
        errors: ['NOT_FOUND'],
      }),
    },
    async (request) => {
      const { concern, office, from, to } = request.query;
      const where = { concernId: concern, officeId: office, from, to };
      const slots = await listFreeSlots(db, requireAuthority(request), where, deps.clock());
      return slots.map(slotJson);
    },
  );

  api.post(
    '/api/v1/bookings',
    {
      config: strict,
      schema: publicOperation({
        operationId: 'createBooking',
        summary: 'Book a free time',
        description:
          'Takes one place of the slot, or none: SLOT_TAKEN names the next free times, ' +
          'NOT_FOUND means there is no such slot of the concern.',
        tags: [TAG],
        querystring: languageQuery,
        body: bookingRequest,
        response: { 201: bookingAnswer.describe('The booking') },
        errors: ['NOT_FOUND', 'SLOT_TAKEN', 'DUPLICATE_BOOKING'],
        errorDetails: { SLOT_TAKEN: slotTakenDetails },
      }),
    },
    async (request, reply) => {
      const result = await bookAppointment(deps, requireAuthority(request), request.body);
      if (result.ok) return reply.code(201).send(bookingJson(result.booking));
      if (result.reason === 'taken') {
        const alternatives = result.alternatives.map(slotJson);
        throw new AppError('SLOT_TAKEN', { alternatives }, 'booking.takenTitle');
      }
      if (result.reason === 'duplicate') throw new AppError('DUPLICATE_BOOKING');
      throw new AppError('NOT_FOUND', {}, 'booking.error.chooseTime');
    },
  );

  api.post(
    '/api/v1/bookings/lookup',
    {
      config: strict,
      schema: publicOperation({
        operationId: 'findBooking',
        summary: 'Find a booking by its code and the date of birth',
        tags: [TAG],
        querystring: languageQuery,
        body: bookingLookup,
        response: { 200: bookingAnswer.describe('The booking') },
        errors: ['NOT_FOUND'],
      }),
    },
    async (request) => bookingJson(await findBooking(requireAuthority(request), request.body)),
  );

  api.post(
    '/api/v1/bookings/cancel',
    {
      config: strict,
      schema: publicOperation({
        operationId: 'cancelBooking',
        summary: 'Cancel a booking; its place is free again at once',
        tags: [TAG],
        querystring: languageQuery,
        body: bookingLookup,
        response: { 200: bookingAnswer.describe('The cancelled booking') },
        errors: ['NOT_FOUND', 'NOT_CANCELLABLE'],
      }),
    },
    async (request) => {
      const authority = requireAuthority(request);
      const booking = await findBooking(authority, request.body);
      if (!(await cancelAppointment(deps, authority, booking.id))) {
        throw new AppError('NOT_CANCELLABLE');
      }
      return { ...bookingJson(booking), status: 'cancelled' as const };
    },
  );
}
