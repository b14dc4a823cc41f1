import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest, FastifySerializerCompiler } from 'fastify';
import {
  createJsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createTranslator } from '../i18n/messages.ts';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from './errors.ts';

// How a JSON API is declared: every route states its input, its answer and each error it
// can give as zod schemas on the route; the same schemas validate requests, serialise
// answers and make the OpenAPI document, so the document cannot drift from the code. The
// zod compilers are set on the API's own (encapsulated) instance, so HTML routes keep theirs.

/** Errors any operation can give whatever it does: a bad URL, limits, failure. */
const ANY_OPERATION: readonly ErrorCode[] = [
  'BAD_REQUEST',
  'TOO_MANY_REQUESTS',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
];
/** Errors of an operation that takes input: it may not match the schema. */
const WITH_INPUT: readonly ErrorCode[] = ['VALIDATION_FAILED'];
/** Errors of the body itself: not JSON, or too large. */
const WITH_BODY: readonly ErrorCode[] = ['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'];

/** VALIDATION_FAILED's one detail, filled by the error handler from the schema's issues. */
const VALIDATION_DETAILS = {
  fields: z
    .record(z.string(), z.string())
    .describe('VALIDATION_FAILED: a message per field, in the language of the answer'),
};

/** The statuses of the catalogue's errors. */
type ErrorStatus = (typeof ERROR_CATALOGUE)[ErrorCode]['status'];

/** The JSON body of an error answer; its code is one of the catalogue's. */
export type ErrorBody = {
  error: { code: ErrorCode; message: string; reference: string } & Record<string, unknown>;
};

/** Errors' extra facts as zod shapes, per code (e.g. SLOT_TAKEN's alternatives). */
export type ErrorDetailShapes = Partial<Record<ErrorCode, Record<string, z.ZodType>>>;

/** The document is for developers: it names each error by its English title. */
const inEnglish = createTranslator('en');

function errorSchema(codes: ErrorCode[], details: ErrorDetailShapes): z.ZodType<ErrorBody> {
  const extra: Record<string, z.ZodType> = {};
  for (const code of codes) {
    const shape = code === 'VALIDATION_FAILED' ? VALIDATION_DETAILS : (details[code] ?? {});
    for (const [name, schema] of Object.entries(shape)) extra[name] = schema.optional();
  }
  const [first, ...rest] = codes as [ErrorCode, ...ErrorCode[]];
  const titles = [...new Set(codes.map((code) => inEnglish(ERROR_CATALOGUE[code].title)))];
  return z
    .object({
      error: z.object({
        code: z.enum([first, ...rest]),
        message: z.string().describe('What went wrong, in the language of the answer'),
        reference: z.string().describe('The id of the request, to quote when asking for help'),
        ...extra,
      }),
    })
    .describe(`${codes.join(' or ')}: ${titles.join('; ')}`);
}

/** One schema per status, naming the codes of that status that the operation can give. */
function errorResponses(codes: readonly ErrorCode[], details: ErrorDetailShapes) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, ofStatus]) => [status, errorSchema(ofStatus, details)]),
  );
}

type OperationSpec = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  querystring?: z.ZodType;
  body?: z.ZodType;
  response: Record<number, z.ZodType>;
  /** The errors of what the operation does; those of every operation are added. */
  errors: readonly ErrorCode[];
  errorDetails?: ErrorDetailShapes;
};

/**
 * A route's schema for a public operation (no authentication): its input, its answers, and
 * every error it can give with a typed body.
 */
export function publicOperation<const S extends OperationSpec>(spec: S) {
  const { errors, errorDetails = {}, response, ...schema } = spec;
  const codes = [
    ...errors,
    ...ANY_OPERATION,
    ...(spec.body || spec.querystring ? WITH_INPUT : []),
    ...(spec.body ? WITH_BODY : []),
  ];
  // The declared errors widen the answer's type to "success or an error body". The type
  // names every error status, as Fastify infers nothing from optional ones; only the
  // declared statuses are there at run time.
  const responses = { ...response, ...errorResponses(codes, errorDetails) } as S['response'] &
    Record<ErrorStatus, z.ZodType<ErrorBody>>;
  return { ...schema, security: [] as never[], response: responses };
}

/**
 * Answers are checked against their schema on the way out; error bodies are written by the
 * one error handler and only documented here, so an error never turns into a 500 because
 * of its own body.
 */
const answerSerializer: FastifySerializerCompiler<z.ZodType> = (route) =>
  Number(route.httpStatus) >= 400
    ? (data) => JSON.stringify(data)
    : serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return type.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

export type JsonApiOptions = {
  title: string;
  version: string;
  description: string;
  baseUrl: string;
  /** Where the OpenAPI document is served; it documents itself too. */
  documentPath: string;
  tags: { name: string; description: string }[];
};

/**
 * Makes an encapsulated instance a JSON API: zod validation and serialisation, JSON bodies
 * only, and its OpenAPI 3.1 document generated from its routes. Routes registered on the
 * instance afterwards (through `app.withTypeProvider<ZodTypeProvider>()`) are documented.
 * Nothing is returned: an async function cannot hand back a Fastify instance, which is a
 * thenable, without the promise unwrapping it.
 */
export async function registerJsonApi(
  app: FastifyInstance,
  options: JsonApiOptions,
): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(answerSerializer);
  // JSON only: a cross-site HTML form cannot post JSON, so the API needs no CSRF token.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'POST' && !isJson(request)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        description: options.description,
        license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
      },
      servers: [{ url: options.baseUrl }],
      tags: options.tags,
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
  });
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    options.documentPath,
    {
      schema: publicOperation({
        operationId: 'getOpenApiDocument',
        summary: 'This document',
        tags: [options.tags[0]?.name ?? 'api'],
        response: {
          200: z
            .looseObject({ openapi: z.string() })
            .describe('The OpenAPI 3.1 document of this API'),
        },
        errors: [],
      }),
    },
    async () => {
      const document = app.swagger();
      // Configured as OpenAPI 3.1 above; the plugin's type also allows Swagger 2.
      if (!('openapi' in document)) throw new Error('expected an OpenAPI 3 document');
      return { ...document };
    },
  );
}
