import { composeMailIntent, extendSlotWindow } from './appointments/service.ts';
import type { Authority } from './authorities/service.ts';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/database.ts';
import type { Clock } from './platform/clock.ts';
import { purgeJourneySessions } from './platform/journeys/store.ts';
import {
  createTransport,
  deliverPendingMail,
  purgeOldMail,
  type ComposeMail,
} from './platform/mail/outbox.ts';

// Recurring work of a running instance. Every job is safe to run on several instances at
// once: slots are created with ON CONFLICT DO NOTHING, mail is taken with SKIP LOCKED.

type JobAuthority = Pick<Authority, 'id' | 'name' | 'land' | 'timeZone'>;

/** Composes the mails that were queued to be composed (see the mail outbox), per feature. */
export function mailComposer(deps: {
  db: Db;
  clock: Clock;
  baseUrl: string;
  authorities: () => Promise<JobAuthority[]>;
}): ComposeMail {
  return async (authorityId, intent) => {
    const authority = (await deps.authorities()).find((a) => a.id === authorityId);
    return authority ? composeMailIntent(deps, authority, intent) : undefined;
  };
}

type Log = { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };

export function startJobs(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  log: Log;
  authorities: () => Promise<JobAuthority[]>;
}) {
  const { db, config, clock, log } = deps;
  const transport = createTransport(config.smtp);
  const compose = mailComposer({
    db,
    clock,
    baseUrl: config.baseUrl,
    authorities: deps.authorities,
  });
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
    for (const authority of await deps.authorities()) {
      // One authority's bad data (e.g. an unknown Land) must not stop the others' slots.
      try {
        created += await extendSlotWindow(db, authority, clock());
      } catch (error) {
        log.error({ job: 'extend-slot-window', authority: authority.id, err: error }, 'job failed');
      }
    }
    return created;
  });
  const purge = run('purge-journeys-and-old-mail', async () => {
    return (await purgeJourneySessions(db, clock())) + (await purgeOldMail(db, clock()));
  });
  const mail = run('deliver-mail', async () =>
    transport ? deliverPendingMail(db, transport, config.smtp.from, compose) : 0,
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
