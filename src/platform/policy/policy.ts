// The one statement of what each staff role may do (decision 11). Every staff route names an
// action of this table in its route config, the guard checks it before the handler runs, and
// services that read records narrow their queries with `officeAccess` — the scope is part of
// the SQL, never a filter afterwards. A generated test walks every staff route for every role.

export const ROLES = [
  'reception',
  'caseworker',
  'team_lead',
  'administrator',
  'data_protection_officer',
  'partner',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * How far a grant reaches: the whole authority, the offices of the grant (a grant without an
 * office covers all), the organisation of a partner grant, or only the member's own account.
 */
export type Scope = 'authority' | 'office' | 'organisation' | 'self';

/** One role held by a member of staff, limited to one office or organisation when set. */
export type Grant = { role: Role; officeId: string | null; organisationId: string | null };

/** Who is signed in. */
export type Principal = {
  staffId: string;
  authorityId: string;
  username: string;
  displayName: string;
  grants: Grant[];
  /** SHA-256 of the session token: binds CSRF tokens and names the session to revoke. */
  sessionId: string;
};

const EVERY_ROLE = Object.fromEntries(ROLES.map((role) => [role, 'self'])) as Record<Role, 'self'>;

export const POLICY = {
  /** The own account: second factors, passkeys, sessions, password. */
  'account.manage': EVERY_ROLE,
  /** The day's appointments with names (reception's list, the caseworker's preparation). */
  'appointments.day.read': { reception: 'office', caseworker: 'office', team_lead: 'office' },
  /** Mark arrival and no-show. */
  'appointments.attendance.mark': { reception: 'office', team_lead: 'office' },
  /** Capacity rules, closures and release policies of offices × concerns. */
  'capacity.manage': { team_lead: 'office', administrator: 'authority' },
  /** Release policies: one per concern, holding at every office (hence the whole authority). */
  'capacity.policy.manage': { administrator: 'authority' },
  /** Office addresses, hours, accessibility, languages. */
  'offices.manage': { administrator: 'authority' },
  /** Concern texts, translations, fees, documents; publishing. */
  'concerns.manage': { administrator: 'authority' },
  /** Staff accounts, roles, deactivation, second-factor reset, session revocation. */
  'staff.manage': { administrator: 'authority' },
  /** The audit trail: search, read, export. Never case content. */
  'audit.read': { data_protection_officer: 'authority' },
  'audit.export': { data_protection_officer: 'authority' },
  /** Referrals shared with a partner organisation (screens come with the partner issue). */
  'referrals.read': { partner: 'organisation' },
} as const satisfies Record<string, Partial<Record<Role, Scope>>>;

export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];

const scopeOf = (action: Action, role: Role): Scope | undefined =>
  (POLICY[action] as Partial<Record<Role, Scope>>)[role];

/** Whether any of the principal's grants allows the action at all. */
export function can(principal: Pick<Principal, 'grants'>, action: Action): boolean {
  return principal.grants.some((grant) => scopeOf(action, grant.role) !== undefined);
}

/** Which roles the table allows an action to (for the generated test and the screens). */
export const rolesFor = (action: Action): Role[] =>
  ROLES.filter((role) => scopeOf(action, role) !== undefined);

/**
 * The offices whose records the action may reach: every office of the authority, or a list
 * (possibly empty). Services put this into their WHERE clause.
 */
export type OfficeAccess = { all: true } | { all: false; officeIds: string[] };

export function officeAccess(principal: Pick<Principal, 'grants'>, action: Action): OfficeAccess {
  const officeIds = new Set<string>();
  for (const grant of principal.grants) {
    const scope = scopeOf(action, grant.role);
    if (scope === 'authority') return { all: true };
    if (scope === 'office') {
      if (grant.officeId === null) return { all: true };
      officeIds.add(grant.officeId);
    }
  }
  return { all: false, officeIds: [...officeIds] };
}

export const reachesOffice = (access: OfficeAccess, officeId: string) =>
  access.all || access.officeIds.includes(officeId);
