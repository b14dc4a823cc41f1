import { z } from 'zod';
import { apiAvailabilityQuery, apiBookingLookup, apiCreateBooking } from './schema.ts';

// The OpenAPI 3.1 document, generated from the zod schemas the API validates with.

const json = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'VALIDATION_FAILED',
            'NOT_FOUND',
            'SLOT_TAKEN',
            'DUPLICATE_BOOKING',
            'NOT_CANCELLABLE',
            'UNSUPPORTED_MEDIA_TYPE',
            'TOO_MANY_REQUESTS',
            'INTERNAL',
          ],
        },
        message: { type: 'string', description: 'In the language of Accept-Language or ?lang=' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
};

const queryParameters = (schema: z.ZodObject) =>
  Object.entries(
    (json(schema) as { properties: Record<string, unknown>; required?: string[] }).properties,
  ).map(([name, propertySchema]) => ({
    name,
    in: 'query',
    required: ((json(schema) as { required?: string[] }).required ?? []).includes(name),
    schema: propertySchema,
  }));

const errors = (codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
    ]),
  );

export function openApiDocument(baseUrl: string) {
  const ok = (description: string) => ({
    description,
    content: { 'application/json': { schema: { type: 'object' } } },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Welcome Center appointments API', version: '1.0.0' },
    servers: [{ url: baseUrl }],
    paths: {
      '/api/v1/concerns': {
        get: {
          summary: 'Concerns that can be booked',
          parameters: [{ name: 'lang', in: 'query', schema: { type: 'string' } }],
          responses: { 200: ok('Concerns') },
        },
      },
      '/api/v1/offices': {
        get: {
          summary: 'Offices',
          parameters: [{ name: 'lang', in: 'query', schema: { type: 'string' } }],
          responses: { 200: ok('Offices') },
        },
      },
      '/api/v1/availability': {
        get: {
          summary: 'Free slots with remaining capacity',
          parameters: queryParameters(apiAvailabilityQuery),
          responses: { 200: ok('Free slots'), ...errors([400, 429]) },
        },
      },
      '/api/v1/bookings': {
        post: {
          summary: 'Book a slot',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: json(apiCreateBooking) } },
          },
          responses: { 201: ok('The booking with its code'), ...errors([400, 404, 409, 429]) },
        },
      },
      '/api/v1/bookings/lookup': {
        post: {
          summary: 'A booking by code and date of birth',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: json(apiBookingLookup) } },
          },
          responses: { 200: ok('The booking'), ...errors([404, 429]) },
        },
      },
      '/api/v1/bookings/cancel': {
        post: {
          summary: 'Cancel a booking by code and date of birth',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: json(apiBookingLookup) } },
          },
          responses: { 200: ok('The cancelled booking'), ...errors([404, 409, 429]) },
        },
      },
    },
  };
}
