import { listOfficesIn } from '../offices/service.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import type { Grant, Principal } from '../platform/policy/policy.ts';
import {
  encodeGrant,
  parseAccountForm,
  type AccountForm,
  type AccountInput,
  type FieldProblems,
} from './admin-schema.ts';
import {
  clearSecondFactors,
  countActiveAdministrators,
  deleteSessionsExcept,
  findMember,
  listMembers,
  listOrganisations,
  lockAdministration,
  setMemberActive,
  updateMemberDetails,
  usernameTaken,
  type MemberRecord,
} from './admin.repository.ts';
import { deleteSessionsOf, replaceGrants, replaceLanguages } from './repository.ts';
import type { StaffKeys } from './secrets.ts';
import { createStaffMember, SESSION_IDLE_MS } from './service.ts';

// Staff administration (issue 7): the authority's accounts with their roles, offices and
// languages; new accounts with a one-time password; deactivation, second-factor reset and
// session revocation. Every read of the accounts and every change goes to the audit trail.
// An authority always keeps an active administrator: an administrator cannot deactivate
// themself or drop their own administrator role, and changes that take the role from anyone
// run under a per-authority lock and are undone when none would be left.

export type AdminDeps = { db: Db; keys: StaffKeys; clock: Clock };

type Subject = { type: string; id: string };

/** The acting administrator, and the trail entries of this request (purpose, request id). */
export type AdminActor = {
  principal: Principal;
  auditRead: (
    db: Db,
    subject: Subject,
    fields: string[],
    details?: Record<string, unknown>,
  ) => Promise<void>;
  auditChange: (
    db: Db,
    subject: Subject,
    details: Record<string, unknown>,
    fields?: string[],
  ) => Promise<void>;
};

/** What the role checkboxes offer: the authority's offices and partner organisations. */
export type AccountScopes = {
  offices: { id: string; name: string }[];
  organisations: { id: string; name: string }[];
};

export type { MemberRecord };

const MEMBER_FIELDS = ['displayName', 'username', 'email', 'roles', 'languages', 'secondFactor'];

const live = (deps: AdminDeps) => {
  const now = deps.clock();
  return { now, idleSince: new Date(now.getTime() - SESSION_IDLE_MS) };
};

const staffSubject = (member: { id: string }) => ({ type: 'staff', id: member.id });

/** Offices (named in the reader's language) and organisations of the authority. */
export async function accountScopes(
  deps: AdminDeps,
  authorityId: string,
  lang: string,
): Promise<AccountScopes> {
  const [offices, organisations] = await Promise.all([
    listOfficesIn(deps.db, authorityId, lang),
    listOrganisations(deps.db, authorityId),
  ]);
  return {
    offices: offices.map((office) => ({
      id: office.id,
      name: office.texts.name?.text ?? office.id,
    })),
    organisations,
  };
}

/** The list of accounts (recorded as a read of staff data). */
export async function accountsOverview(deps: AdminDeps, actor: AdminActor, lang: string) {
  const { authorityId } = actor.principal;
  const [members, scopes] = await Promise.all([
    listMembers(deps.db, authorityId, live(deps)),
    accountScopes(deps, authorityId, lang),
  ]);
  await actor.auditRead(deps.db, { type: 'staff', id: 'all' }, MEMBER_FIELDS, {
    members: members.length,
  });
  return { members, scopes };
}

/** One account for its edit page (recorded as a read), or undefined. */
export async function accountToEdit(
  deps: AdminDeps,
  actor: AdminActor,
  username: string,
  lang: string,
) {
  const { authorityId } = actor.principal;
  const [member, scopes] = await Promise.all([
    findMember(deps.db, authorityId, username, live(deps)),
    accountScopes(deps, authorityId, lang),
  ]);
  if (!member) return undefined;
  await actor.auditRead(deps.db, staffSubject(member), MEMBER_FIELDS);
  return { member, scopes };
}

/** Grants naming an office or organisation the authority does not have (a forged form). */
function outsideScopes(grants: Grant[], scopes: AccountScopes) {
  return grants.some(
    (g) =>
      (g.officeId !== null && !scopes.offices.some((o) => o.id === g.officeId)) ||
      (g.organisationId !== null && !scopes.organisations.some((o) => o.id === g.organisationId)),
  );
}

export type CreateOutcome =
  | { kind: 'invalid'; problems: FieldProblems; scopes: AccountScopes }
  | { kind: 'created'; username: string; displayName: string; password: string };

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/**
 * A new account with a one-time password (shown once to the administrator); the new member
 * replaces it and enrols an authenticator app at the first sign-in.
 */
export async function createAccount(
  deps: AdminDeps,
  actor: AdminActor,
  form: AccountForm,
  context: { issuer: string; lang: string },
): Promise<CreateOutcome> {
  const { authorityId } = actor.principal;
  const scopes = await accountScopes(deps, authorityId, context.lang);
  const { input, problems } = parseAccountForm(form);
  if (input && outsideScopes(input.grants, scopes)) problems.grant = 'accounts.error.rolesUnknown';
  if (input && (await usernameTaken(deps.db, authorityId, input.username))) {
    problems.user = 'accounts.error.usernameTaken';
  }
  if (!input || Object.keys(problems).length > 0) return { kind: 'invalid', problems, scopes };
  let created;
  try {
    created = await createStaffMember(deps, {
      authorityId,
      username: input.username,
      displayName: input.displayName,
      email: input.email,
      grants: input.grants,
      languages: input.languages,
      temporaryPassword: true,
      issuer: context.issuer,
    });
  } catch (error) {
    // Taken by a request that came in between the check and the insert.
    if (!isUniqueViolation(error)) throw error;
    return { kind: 'invalid', problems: { user: 'accounts.error.usernameTaken' }, scopes };
  }
  await actor.auditChange(
    deps.db,
    { type: 'staff', id: created.id },
    {
      change: 'account-created',
      username: input.username,
      roles: input.grants.map(encodeGrant),
      languages: input.languages.map((l) => `${l.lang}:${l.level}`),
    },
    ['username', 'displayName', 'email', 'roles', 'languages', 'password'],
  );
  return {
    kind: 'created',
    username: input.username,
    displayName: input.displayName,
    password: created.password,
  };
}

/** A refusal that undoes the transaction it is thrown in. */
class Refusal extends Error {
  constructor(readonly problem: string) {
    super(problem);
  }
}

const isAdministrator = (grants: Grant[]) => grants.some((g) => g.role === 'administrator');

/** Added and removed entries between two lists of keys. */
function difference(before: string[], after: string[]) {
  return {
    added: after.filter((key) => !before.includes(key)),
    removed: before.filter((key) => !after.includes(key)),
  };
}

export type UpdateOutcome =
  | { kind: 'notFound' }
  | { kind: 'invalid'; problems: FieldProblems; member: MemberRecord; scopes: AccountScopes }
  | { kind: 'saved'; username: string };

/**
 * Saves display name, e-mail, roles and languages. A change of roles ends the member's
 * sessions, so that a removed role stops at once (the administrator's own current session
 * stays when they edit themselves).
 */
export async function updateAccount(
  deps: AdminDeps,
  actor: AdminActor,
  form: AccountForm,
  lang: string,
): Promise<UpdateOutcome> {
  const { authorityId, staffId } = actor.principal;
  const { input, problems } = parseAccountForm(form);
  const username = input?.username ?? form.user.trim().toLowerCase();
  const [member, scopes] = await Promise.all([
    findMember(deps.db, authorityId, username, live(deps)),
    accountScopes(deps, authorityId, lang),
  ]);
  if (!member) return { kind: 'notFound' };
  if (input && outsideScopes(input.grants, scopes)) problems.grant = 'accounts.error.rolesUnknown';
  if (input && member.id === staffId && !isAdministrator(input.grants)) {
    problems.grant = 'accounts.error.ownAdministrator';
  }
  if (!input || Object.keys(problems).length > 0) {
    return { kind: 'invalid', problems, member, scopes };
  }
  try {
    await deps.db
      .transaction()
      .execute((trx) => saveAccount(trx, actor, member.id, input, live(deps)));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { kind: 'invalid', problems: { grant: error.problem }, member, scopes };
  }
  return { kind: 'saved', username: member.username };
}

async function saveAccount(
  trx: Db,
  actor: AdminActor,
  staffId: string,
  input: AccountInput,
  at: { now: Date; idleSince: Date },
) {
  const { authorityId } = actor.principal;
  await lockAdministration(trx, authorityId);
  // Read again under the lock: what the change is compared with must be current.
  const before = await findMember(trx, authorityId, input.username, at);
  if (!before || before.id !== staffId) throw new Refusal('accounts.error.gone');
  const roles = difference(before.grants.map(encodeGrant), input.grants.map(encodeGrant));
  const languages = difference(
    before.languages.map((l) => `${l.lang}:${l.level}`),
    input.languages.map((l) => `${l.lang}:${l.level}`),
  );
  const changed: string[] = [];
  if (before.displayName !== input.displayName) changed.push('displayName');
  if (before.email !== input.email) changed.push('email');
  if (changed.length > 0) await updateMemberDetails(trx, authorityId, staffId, input);
  let sessionsEnded = 0;
  if (roles.added.length > 0 || roles.removed.length > 0) {
    changed.push('roles');
    await replaceGrants(trx, authorityId, staffId, input.grants);
    if (isAdministrator(before.grants) && !isAdministrator(input.grants)) {
      if ((await countActiveAdministrators(trx, authorityId)) === 0) {
        throw new Refusal('accounts.error.lastAdministrator');
      }
    }
    sessionsEnded = await endSessionsOf(trx, actor, staffId);
  }
  if (languages.added.length > 0 || languages.removed.length > 0) {
    changed.push('languages');
    await replaceLanguages(trx, staffId, input.languages);
  }
  if (changed.length === 0) return;
  // Names and addresses are not copied into the trail, only which fields changed.
  await actor.auditChange(
    trx,
    { type: 'staff', id: staffId },
    {
      change: 'account-updated',
      ...(changed.includes('roles') ? { roles, sessionsEnded } : {}),
      ...(changed.includes('languages') ? { languages } : {}),
    },
    changed,
  );
}

/** Ends the member's sessions; the acting administrator keeps the session they act in. */
function endSessionsOf(trx: Db, actor: AdminActor, staffId: string) {
  const { authorityId, sessionId } = actor.principal;
  return staffId === actor.principal.staffId
    ? deleteSessionsExcept(trx, authorityId, staffId, sessionId)
    : deleteSessionsOf(trx, authorityId, staffId);
}

export type AccountAction = 'deactivate' | 'reactivate' | 'resetSecondFactor' | 'endSessions';

export type ActionOutcome =
  | { kind: 'notFound' }
  /** Asks the administrator to confirm (the form posts again with confirm=yes). */
  | { kind: 'confirm'; member: MemberRecord; action: AccountAction }
  | { kind: 'refused'; member: MemberRecord; problem: string; scopes: AccountScopes }
  | { kind: 'done'; username: string; notice: string };

/**
 * Deactivation, reactivation, second-factor reset and the end of a member's sessions. All
 * but reactivation are confirmed first; each ends the member's sessions.
 */
export async function actOnAccount(
  deps: AdminDeps,
  actor: AdminActor,
  request: { action: AccountAction; username: string | undefined; confirmed: boolean },
  lang: string,
): Promise<ActionOutcome> {
  const { authorityId, staffId } = actor.principal;
  const member = request.username
    ? await findMember(deps.db, authorityId, request.username, live(deps))
    : undefined;
  if (!member) return { kind: 'notFound' };
  const refused = async (problem: string): Promise<ActionOutcome> => ({
    kind: 'refused',
    member,
    problem,
    scopes: await accountScopes(deps, authorityId, lang),
  });
  if (request.action === 'deactivate' && member.id === staffId) {
    return refused('accounts.error.deactivateSelf');
  }
  if (request.action !== 'reactivate' && !request.confirmed) {
    return { kind: 'confirm', member, action: request.action };
  }
  try {
    const notice = await deps.db
      .transaction()
      .execute((trx) => applyAction(trx, actor, member, request.action));
    return { kind: 'done', username: member.username, notice };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return refused(error.problem);
  }
}

async function applyAction(
  trx: Db,
  actor: AdminActor,
  member: MemberRecord,
  action: AccountAction,
): Promise<string> {
  const { authorityId } = actor.principal;
  const subject = staffSubject(member);
  switch (action) {
    case 'deactivate': {
      await lockAdministration(trx, authorityId);
      if (!(await setMemberActive(trx, authorityId, member.id, false))) return 'unchanged';
      if ((await countActiveAdministrators(trx, authorityId)) === 0) {
        throw new Refusal('accounts.error.lastAdministrator');
      }
      const sessionsEnded = await deleteSessionsOf(trx, authorityId, member.id);
      await actor.auditChange(trx, subject, { change: 'deactivated', sessionsEnded }, ['active']);
      return 'deactivated';
    }
    case 'reactivate': {
      if (!(await setMemberActive(trx, authorityId, member.id, true))) return 'unchanged';
      await actor.auditChange(trx, subject, { change: 'reactivated' }, ['active']);
      return 'reactivated';
    }
    case 'resetSecondFactor': {
      const removed = await clearSecondFactors(trx, authorityId, member.id);
      if (!removed) throw new Refusal('accounts.error.gone');
      const sessionsEnded = await deleteSessionsOf(trx, authorityId, member.id);
      await actor.auditChange(
        trx,
        subject,
        { change: 'second-factor-reset', ...removed, sessionsEnded },
        ['totp', 'recoveryCodes', 'passkeys'],
      );
      return 'secondFactorReset';
    }
    case 'endSessions': {
      const sessionsEnded = await deleteSessionsOf(trx, authorityId, member.id);
      await actor.auditChange(trx, subject, { change: 'sessions-ended', sessionsEnded }, [
        'sessions',
      ]);
      return 'sessionsEnded';
    }
  }
}
