import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_ABSOLUTE_MS } from './service.ts';

// The staff session cookies. Over HTTPS they carry the __Host- prefix (Secure, Path=/, no
// Domain: a sibling subdomain cannot plant or overwrite them); plain-HTTP local development
// uses the bare name, since browsers refuse __Host- cookies without Secure.

export type CookieSettings = { secure: boolean };

const names = (secure: boolean) =>
  secure
    ? { session: '__Host-wc_staff', pending: '__Host-wc_staff_pending' }
    : { session: 'wc_staff', pending: 'wc_staff_pending' };

const options = (secure: boolean, maxAgeMs: number) => ({
  path: '/',
  httpOnly: true,
  secure,
  sameSite: 'strict' as const,
  maxAge: Math.floor(maxAgeMs / 1000),
});

export const sessionToken = (request: FastifyRequest, settings: CookieSettings) =>
  request.cookies[names(settings.secure).session] || undefined;

export const pendingToken = (request: FastifyRequest, settings: CookieSettings) =>
  request.cookies[names(settings.secure).pending] || undefined;

/** The session cookie; the pending (half signed-in) cookie ends with it. */
export function setSessionCookie(reply: FastifyReply, settings: CookieSettings, token: string) {
  const { session, pending } = names(settings.secure);
  const { maxAge: _maxAge, ...attributes } = options(settings.secure, 0);
  reply.clearCookie(pending, attributes);
  reply.setCookie(session, token, options(settings.secure, SESSION_ABSOLUTE_MS));
}

export function setPendingCookie(reply: FastifyReply, settings: CookieSettings, token: string) {
  reply.setCookie(names(settings.secure).pending, token, options(settings.secure, 10 * 60 * 1000));
}

/** Cleared with the attributes they were set with: browsers ignore a __Host- clear without Secure. */
export function clearSessionCookies(reply: FastifyReply, settings: CookieSettings) {
  const { session, pending } = names(settings.secure);
  const { maxAge: _maxAge, ...attributes } = options(settings.secure, 0);
  reply.clearCookie(session, attributes);
  reply.clearCookie(pending, attributes);
}
