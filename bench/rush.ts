import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { PersonDetails } from '../src/appointments/service.ts';

// The load shape shared by every row of the booking benchmark: a release rush. Many slots are
// released at one instant and every client keeps trying to book one of them, most of them
// the earliest, until the attempts are used up; once the places run out most attempts fail
// as "taken". Each attempt is a different person.

export type Slot = { id: string; concernId: string };
/** shed = the server refused the request under load (503); error = anything unexpected. */
export type Outcome = 'booked' | 'taken' | 'shed' | 'error';

export type RushPlan = { slots: Slot[]; clients: number; attempts: number };

export type RushResult = {
  clients: number;
  attempts: number;
  booked: number;
  taken: number;
  shed: number;
  errors: number;
  seconds: number;
  /** Answered attempts (booked or taken) per second; shed and failed ones are not counted. */
  attempts_per_s: number;
  bookings_per_s: number;
  /** Latency of the answered attempts (booked or taken). */
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** 1-minute load average of the machine before and after the row (2 cores). */
  load_before: number;
  load_after: number;
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const round1 = (n: number) => Number(n.toFixed(1));

/** Digits as letters: names are Latin letters only, and the person key keeps only letters. */
const letters = (n: number) =>
  n.toString(26).replace(/[0-9a-p]/g, (c) => 'abcdefghijklmnopqrstuvwxyz'[parseInt(c, 26)] ?? 'z');

/** A distinct person per run and attempt, with an e-mail address or else a phone number. */
export const personFor = (run: string, i: number, withEmail: boolean): PersonDetails => ({
  familyName: 'Rushmore',
  givenNames: `${run} ${letters(i)}`,
  dateOfBirth: '1990-05-17',
  email: withEmail ? `${run.toLowerCase()}.${i}@example.org` : null,
  phone: withEmail ? null : '+49 151 23456789',
  language: 'de',
  interpreterLanguage: null,
});

/** `clients` concurrent loops make `attempts` booking attempts between them. */
export async function rush(
  plan: RushPlan,
  attempt: (slot: Slot, i: number) => Promise<Outcome>,
): Promise<RushResult> {
  const { slots, clients, attempts } = plan;
  const times: number[] = [];
  const counts: Record<Outcome, number> = { booked: 0, taken: 0, shed: 0, error: 0 };
  const loadBefore = os.loadavg()[0] ?? NaN;
  let reported = false;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < attempts) {
        const i = next++;
        // Everyone rushes at the earliest slots, as on a release morning.
        const slot = slots[Math.floor(Math.random() ** 2 * slots.length)] as Slot;
        const t0 = performance.now();
        let outcome: Outcome;
        try {
          outcome = await attempt(slot, i);
        } catch (error) {
          outcome = 'error';
          if (!reported) console.error(`first error: ${String(error)}`);
          reported = true;
        }
        counts[outcome]++;
        if (outcome === 'booked' || outcome === 'taken') times.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    clients,
    attempts,
    booked: counts.booked,
    taken: counts.taken,
    shed: counts.shed,
    errors: counts.error,
    seconds: Number(seconds.toFixed(2)),
    attempts_per_s: Math.round(times.length / seconds),
    bookings_per_s: Math.round(counts.booked / seconds),
    p50_ms: round1(percentile(times, 50)),
    p99_ms: round1(percentile(times, 99)),
    max_ms: round1(times.at(-1) ?? NaN),
    load_before: Number(loadBefore.toFixed(2)),
    load_after: Number((os.loadavg()[0] ?? NaN).toFixed(2)),
  };
}
