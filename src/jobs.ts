import { composeMailIntent, extendSlotWindow } from './appointments/service.ts';
import type { Authority } from './authorities/service.ts';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/database.ts';
import type { Clock } from './platform/clock.ts';
import { createTransport, deliverPendingMail, type ComposeMail } from './platform/mail/outbox.ts';
import { runRetention } from './retention.ts';

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
  // Deletes what has passed its retention period (see retention.ts); a class that fails is
  // logged, the others are still deleted.
  const retention = run('retention', async () => {
    const authorities = await deps.authorities();
    const report = await runRetention({
      db,
      retention: config.retention,
      now: clock(),
      authorityIds: authorities.map((authority) => authority.id),
    });
    for (const { retentionClass, error } of report.failed) {
      log.error({ job: 'retention', retentionClass, err: error }, 'job failed');
    }
    const { bookings, ...rest } = report.deleted;
    return { bookings: [...bookings.values()].reduce((sum, n) => sum + n, 0), ...rest };
  });
  const mail = run('deliver-mail', async () =>
    transport ? deliverPendingMail(db, transport, config.smtp.from, compose) : 0,
  );

  void slots();
  void retention();
  const timers = [
    setInterval(slots, 60 * 60 * 1000),
    setInterval(retention, 60 * 60 * 1000),
    setInterval(mail, 5 * 1000),
  ];
  for (const timer of timers) timer.unref();
  return () => timers.forEach(clearInterval);
}
