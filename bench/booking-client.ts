import http from 'node:http';
import { text } from 'node:stream/consumers';
import { personFor, rush, type Outcome, type RushPlan } from './rush.ts';

// The HTTP clients of the booking benchmark, in their own process so that they do not share
// the server's event loop: one keep-alive connection per client, each posting its next
// booking as soon as the previous answer has been read. The plan arrives as JSON on stdin,
// the result leaves as JSON on stdout.

export type ClientPlan = RushPlan & { url: string; run: string };

const plan = JSON.parse(await text(process.stdin)) as ClientPlan;
const target = new URL('/api/v1/bookings', plan.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.clients });
const reported = new Set<number>();

function post(body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'accept-language': 'de',
        },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: answer }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const result = await rush(plan, async (slot, i): Promise<Outcome> => {
  const person = personFor(plan.run, i, true);
  const res = await post(
    JSON.stringify({
      slotId: slot.id,
      concernId: slot.concernId,
      familyName: person.familyName,
      givenNames: person.givenNames,
      dateOfBirth: person.dateOfBirth,
      email: person.email,
      phone: null,
      language: 'de',
      interpreterLanguage: null,
    }),
  );
  if (res.status === 201) return 'booked';
  if (res.status === 409 && res.body.includes('SLOT_TAKEN')) return 'taken';
  if (res.status === 503) return 'shed';
  if (!reported.has(res.status)) {
    reported.add(res.status);
    console.error(`HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  }
  return 'error';
});
agent.destroy();
process.stdout.write(JSON.stringify(result));
