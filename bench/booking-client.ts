import { text } from 'node:stream/consumers';
import { personFor, rush, type Slot } from './rush.ts';

// The HTTP clients of the booking benchmark, in their own process: the plan arrives as JSON
// on stdin, the result leaves as JSON on stdout.

const { url, slots, clients, attempts } = JSON.parse(await text(process.stdin)) as {
  url: string;
  slots: Slot[];
  clients: number;
  attempts: number;
};
const reported = new Set<number>();

const result = await rush(slots, clients, attempts, async (slot, i) => {
  const res = await fetch(`${url}/api/v1/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ slotId: slot.id, concernId: slot.concernId, ...personFor(i, 'http') }),
  });
  const body = await res.text();
  if (res.status === 201) return 'booked';
  if (res.status === 409) return 'taken';
  if (!reported.has(res.status)) {
    reported.add(res.status);
    console.error(`HTTP ${res.status}: ${body.slice(0, 200)}`);
  }
  return 'error';
});
process.stdout.write(JSON.stringify(result));
