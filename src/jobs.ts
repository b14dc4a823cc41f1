import { extendSlotWindow } from './appointments/service.ts';
import type { Authority } from './authorities/service.ts';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/database.ts';
import type { Clock } from './platform/clock.ts';
import { purgeJourneySessions } from './platform/journeys/store.ts';
import { createTransport, deliverPendingMail, purgeOldMail } from './platform/mail/outbox.ts';

// Recurring work of a running instance. Every job is safe to run on several instances at
// once: slots are created with ON CONFLICT DO NOTHING, mail is taken with SKIP LOCKED.

type Log = { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export function startJobs(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  log: Log;
  authorities: () => Promise<Pick<Authority, 'id' | 'land' | 'timeZone'>[]>;
}) {
  const { db, config, clock, log } = deps;
  const transport = createTransport(config.smtp);
  const run = (name: string, job: () => Promise<unknown>) => async () => {
    try {
      const result = await job();
      if (result) log.info({ job: name, result }, 'job done');
    } catch (error) {
      log.error({ job: name, err: error }, 'job failed');
    }
  };

  const slots = run('extend-slot-window', async () => {
    let created = 0;
    for (const authority of await deps.authorities())
      created += await extendSlotWindow(db, authority, clock());
    return created;
  });
  const purge = run('purge-journeys-and-old-mail', async () => {
    return (await purgeJourneySessions(db, clock())) + (await purgeOldMail(db, clock()));
  });
  const mail = run('deliver-mail', async () =>
    transport ? deliverPendingMail(db, transport, config.smtp.from) : 0,
  );

  void slots();
  const timers = [
    setInterval(slots, 60 * 60 * 1000),
    setInterval(purge, 15 * 60 * 1000),
    setInterval(mail, 5 * 1000),
  ];
  for (const timer of timers) timer.unref();
  return () => timers.forEach(clearInterval);
}
