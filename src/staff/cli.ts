import { parseArgs } from 'node:util';
import { z } from 'zod';
import { recordAudit } from '../platform/audit/audit.ts';
import { ConfigError, type Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import { ROLES, type Role } from '../platform/policy/policy.ts';
import { createStaffMember } from './service.ts';
import { deriveStaffKeys } from './secrets.ts';

// `welcome-center staff create --user anna --role administrator`: the first administrator
// (and any later account) from the command line. Prints a one-time password, which must be
// replaced at the first sign-in, and the TOTP enrolment URI (the sign-in shows it as a QR code
// as well).

const OFFICE_ROLES: readonly Role[] = ['reception', 'caseworker', 'team_lead'];

const optionsSchema = z.object({
  user: z
    .string({ error: 'is required' })
    .regex(/^[a-z0-9._-]{2,40}$/, 'lower-case letters, digits, . _ - (2 to 40)'),
  role: z.enum(ROLES, { error: `is required, one of ${ROLES.join(', ')}` }),
  name: z.string().trim().min(1).max(120).optional(),
  office: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
  organisation: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
  authority: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
});

export async function runStaffCommand(db: Db, config: Config, args: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      user: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      office: { type: 'string' },
      organisation: { type: 'string' },
      authority: { type: 'string' },
    },
  });
  if (positionals[0] !== 'create') {
    throw new ConfigError('Usage: welcome-center staff create --user NAME --role ROLE [options]');
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid options:\n${lines.join('\n')}`);
  }
  const o = parsed.data;
  // Only office roles can be limited to an office; only partners belong to an organisation.
  if (o.office && !OFFICE_ROLES.includes(o.role)) {
    throw new ConfigError(`--office: only for the roles ${OFFICE_ROLES.join(', ')}`);
  }
  if (o.organisation && o.role !== 'partner') {
    throw new ConfigError('--organisation: only for the role partner');
  }
  const authorityId = o.authority ?? config.defaultAuthority;
  const authority = await db
    .selectFrom('authority')
    .where('id', '=', authorityId)
    .select(['id', 'name'])
    .executeTakeFirst();
  if (!authority) throw new ConfigError(`There is no authority "${authorityId}".`);
  if (!config.sessionSecret) throw new ConfigError('SESSION_SECRET is missing');
  const role: Role = o.role;
  let created;
  try {
    created = await createStaffMember(
      { db, keys: deriveStaffKeys(config.sessionSecret) },
      {
        authorityId,
        username: o.user,
        displayName: o.name ?? o.user,
        grants: [
          {
            role,
            officeId: o.office ?? null,
            organisationId: role === 'partner' ? (o.organisation ?? null) : null,
          },
        ],
        languages: [],
        temporaryPassword: true,
        issuer: authority.name,
      },
    );
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '23505') throw new ConfigError(`The user "${o.user}" exists already.`);
    if (code === '23503') throw new ConfigError('That office or organisation does not exist.');
    if (code === '23514') throw new ConfigError('A partner account needs --organisation.');
    throw error;
  }
  await recordAudit(db, {
    authorityId,
    actor: { id: null, name: 'cli' },
    action: 'change',
    subject: { type: 'staff', id: created.id },
    purpose: 'staff create',
    details: { role, office: o.office ?? null },
  });
  return [
    `Staff account "${o.user}" (${role}) created.`,
    `One-time password (to be replaced at the first sign-in): ${created.password}`,
    `TOTP enrolment URI (add it to an authenticator app): ${created.totpUri}`,
    'Sign in at /staff/sign-in.',
  ].join('\n');
}
