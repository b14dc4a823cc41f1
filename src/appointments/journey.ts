import crypto from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../platform/db/database.ts';
import { findJourney, saveJourney, type Journey } from './repository.ts';

// The booking journey's answers live in the database, keyed by a signed cookie: pages
// work without JavaScript, and no personal data travels in URLs or cookies.

const COOKIE = 'wc_booking';
const LIFETIME_MS = 2 * 60 * 60 * 1000;

export type Answers = {
  concern?: string;
  office?: string;
  day?: string;
  slot?: string;
  details?: Record<string, string>;
  rescheduleDay?: string;
};

export type JourneyState = Journey & { answers: Answers };

export async function loadJourney(
  db: Db,
  authorityId: string,
  request: FastifyRequest,
  now: Date,
): Promise<JourneyState> {
  const raw = request.cookies[COOKIE];
  if (raw) {
    const unsigned = request.unsignCookie(raw);
    if (unsigned.valid && unsigned.value && /^[0-9a-f-]{36}$/.test(unsigned.value)) {
      const found = await findJourney(db, authorityId, unsigned.value, now);
      if (found) return found as JourneyState;
    }
  }
  return { id: crypto.randomUUID(), answers: {}, bookingId: null };
}

export async function storeJourney(
  db: Db,
  authorityId: string,
  reply: FastifyReply,
  journey: JourneyState,
  now: Date,
  secure: boolean,
) {
  await saveJourney(db, authorityId, journey, new Date(now.getTime() + LIFETIME_MS));
  reply.setCookie(COOKIE, journey.id, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: LIFETIME_MS / 1000,
  });
}
