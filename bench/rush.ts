import { performance } from 'node:perf_hooks';
import type { PersonDetails } from '../src/appointments/service.ts';

// The load shape shared by both runs of the booking benchmark.

export type Slot = { id: string; concernId: string };
type Outcome = { ms: number; kind: 'booked' | 'taken' | 'error' };
export type RushResult = Awaited<ReturnType<typeof rush>>;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export const personFor = (i: number, run: string): PersonDetails => ({
  familyName: 'Bench',
  givenNames: `${run} ${i.toString(36).replace(/\d/g, (d) => 'abcdefghij'[Number(d)] ?? 'x')}`,
  dateOfBirth: '1990-01-01',
  email: null,
  phone: '+49 151 0000000',
  language: 'de',
  interpreterLanguage: null,
});

/** `clients` concurrent loops make `attempts` booking attempts, most of them at the earliest slots. */
export async function rush(
  slots: Slot[],
  clients: number,
  attempts: number,
  attempt: (slot: Slot, i: number) => Promise<Outcome['kind']>,
) {
  const outcomes: Outcome[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < attempts) {
        const i = next++;
        // Everyone rushes at the earliest slots, as on a release morning.
        const slot = slots[Math.floor(Math.random() ** 2 * slots.length)] as Slot;
        const t0 = performance.now();
        let kind: Outcome['kind'];
        try {
          kind = await attempt(slot, i);
        } catch {
          kind = 'error';
        }
        outcomes.push({ ms: performance.now() - t0, kind });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const booked = outcomes.filter((o) => o.kind === 'booked').length;
  return {
    attempts: outcomes.length,
    booked,
    taken: outcomes.filter((o) => o.kind === 'taken').length,
    errors: outcomes.filter((o) => o.kind === 'error').length,
    seconds: Number(seconds.toFixed(2)),
    attempts_per_s: Math.round(outcomes.length / seconds),
    bookings_per_s: Math.round(booked / seconds),
    p50_ms: Number(percentile(times, 50).toFixed(1)),
    p99_ms: Number(percentile(times, 99).toFixed(1)),
  };
}
