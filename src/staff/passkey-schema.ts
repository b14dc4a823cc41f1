import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

// What the browser posts from `credential.toJSON()`, checked before any verification: the
// shape, base64url text and sizes. Whatever else the browser adds is dropped.

const base64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/);
/** A credential id is at most 1,023 bytes (WebAuthn Level 3), 1,364 characters in base64url. */
export const credentialIdSchema = base64url.min(1).max(1_364);

const credential = {
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  authenticatorAttachment: z
    .enum(['platform', 'cross-platform'])
    .nullish()
    .transform((v) => v ?? undefined),
  clientExtensionResults: z
    .object({
      appid: z.boolean().optional(),
      credProps: z.object({ rk: z.boolean().optional() }).optional(),
    })
    .default({}),
};

const transports = z.array(z.string().max(20)).max(10).optional();

export const registrationResponseSchema: z.ZodType<RegistrationResponseJSON, unknown> = z.object({
  ...credential,
  response: z.object({
    clientDataJSON: base64url.min(1),
    attestationObject: base64url.min(1),
    authenticatorData: base64url.optional(),
    publicKey: base64url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    transports,
  }),
});

export const authenticationResponseSchema: z.ZodType<AuthenticationResponseJSON, unknown> =
  z.object({
    ...credential,
    response: z.object({
      clientDataJSON: base64url.min(1),
      authenticatorData: base64url.min(1),
      signature: base64url.min(1),
      userHandle: base64url
        .max(128)
        .nullish()
        .transform((v) => v ?? undefined),
    }),
  });

/** The name a member gives a passkey on the account page ("Laptop", "Phone"). */
export const passkeyNameSchema = z.object({ name: z.string().trim().min(1).max(60) });

export const passkeyParamsSchema = z.object({ id: credentialIdSchema });
