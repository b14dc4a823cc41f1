import crypto from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../db/database.ts';
import { deleteSessionData, findSessionData, saveSessionData } from './store.ts';

// A browser's journeys in progress live in the database, keyed by a signed cookie: pages
// work without JavaScript, and no personal data travels in URLs or cookies. Each journey
// (or feature) keeps one named slice, parsed by its own schema whenever it is read.

// Over HTTPS the cookie carries the __Host- prefix (Secure, Path=/, no Domain), so a sibling
// subdomain cannot plant one; plain-HTTP development uses the bare name.
const cookieName = (secure: boolean) => (secure ? '__Host-wc_journey' : 'wc_journey');
const LIFETIME_MS = 2 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type SessionOptions = { db: Db; secureCookies: boolean };

export class JourneySession {
  private dirty = false;
  private replaced: string | undefined;

  private constructor(
    private readonly options: SessionOptions,
    private readonly authorityId: string,
    private id: string,
    private readonly data: Record<string, unknown>,
  ) {}

  /** The session the request's cookie names, or a new empty one. */
  static async load(
    options: SessionOptions,
    authorityId: string,
    request: FastifyRequest,
    now: Date,
  ): Promise<JourneySession> {
    const raw = request.cookies[cookieName(options.secureCookies)];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    if (unsigned?.valid && unsigned.value && UUID.test(unsigned.value)) {
      const data = await findSessionData(options.db, authorityId, unsigned.value, now);
      if (data && typeof data === 'object' && !Array.isArray(data)) {
        return new JourneySession(options, authorityId, unsigned.value, {
          ...(data as Record<string, unknown>),
        });
      }
    }
    return new JourneySession(options, authorityId, crypto.randomUUID(), {});
  }

  /** A slice as its schema parses it; a slice that no longer parses counts as absent. */
  read<T>(name: string, schema: z.ZodType<T>): T | undefined {
    if (!(name in this.data)) return undefined;
    const parsed = schema.safeParse(this.data[name]);
    return parsed.success ? parsed.data : undefined;
  }

  write(name: string, value: unknown) {
    if (value === undefined) {
      if (!(name in this.data)) return; // nothing to forget: no write for a mere visit
      delete this.data[name];
    } else this.data[name] = value;
    this.dirty = true;
  }

  /**
   * The same data under a new id, the old row gone: whoever planted or copied the old cookie
   * (a shared computer, a cookie set from a sibling domain) sees nothing of what follows.
   * Called when the session starts to hold something personal, e.g. a booking.
   */
  rotate() {
    this.replaced ??= this.id;
    this.id = crypto.randomUUID();
    this.dirty = true;
  }

  /** Writes the session (when changed) and (re)sets the cookie. */
  async save(reply: FastifyReply, now: Date) {
    if (!this.dirty) return;
    if (this.replaced) {
      await deleteSessionData(this.options.db, this.authorityId, this.replaced);
      this.replaced = undefined;
    }
    await saveSessionData(
      this.options.db,
      this.authorityId,
      this.id,
      this.data,
      new Date(now.getTime() + LIFETIME_MS),
    );
    this.dirty = false;
    reply.setCookie(cookieName(this.options.secureCookies), this.id, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.options.secureCookies,
      path: '/',
      maxAge: LIFETIME_MS / 1000,
    });
  }
}
