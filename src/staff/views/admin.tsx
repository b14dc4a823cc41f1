import type { StaffPageContext } from '../../platform/policy/guard.ts';
import type { Grant } from '../../platform/policy/policy.ts';
import { languageName } from '../../platform/ui/format.ts';
import { StaffField, StaffPostForm, StaffSelect } from '../../platform/ui/staff-forms.tsx';
import { StaffErrorSummary, StaffLayout } from '../../platform/ui/staff-layout.tsx';
import {
  AUTHORITY_ROLES,
  encodeGrant,
  MAX_LANGUAGE_ROWS,
  OFFICE_ROLES,
  type AccountForm,
  type FieldProblems,
} from '../admin-schema.ts';
import type { AccountAction, AccountScopes, MemberRecord } from '../admin-service.ts';
import { LANGUAGE_LEVELS } from '../tables.ts';

// Staff administration's pages: the list of accounts, the form to create or edit one (roles
// per office as checkboxes, languages with their level as rows), the one-time password of a
// new account, and the confirmation of deactivation, second-factor reset and session end.
// No script: every control is a form field or a button.

type Ctx = { ctx: StaffPageContext };

function grantLabel(ctx: StaffPageContext, grant: Grant, scopes: AccountScopes) {
  const role = ctx.t(`accounts.role.${grant.role}`);
  if (grant.organisationId) {
    const org = scopes.organisations.find((o) => o.id === grant.organisationId);
    return `${role} – ${org?.name ?? grant.organisationId}`;
  }
  if (grant.officeId) {
    const office = scopes.offices.find((o) => o.id === grant.officeId);
    return `${role} – ${office?.name ?? grant.officeId}`;
  }
  if ((AUTHORITY_ROLES as readonly string[]).includes(grant.role)) return role;
  return `${role} – ${ctx.t('accounts.allOffices')}`;
}

const languageLabel = (ctx: StaffPageContext, lang: string, level: string) =>
  `${languageName(ctx.lang, lang)} (${ctx.t(`accounts.level.${level}`)})`;

function SecondFactor({ ctx, member }: Ctx & { member: MemberRecord }) {
  const { t } = ctx;
  const facts = [
    member.totpConfirmed ? t('accounts.totpConfirmed') : t('accounts.totpPending'),
    ...(member.passkeys > 0 ? [t('accounts.passkeys', { count: member.passkeys })] : []),
    ...(member.sso ? [t('accounts.sso')] : []),
  ];
  return (
    <ul class="plain">
      {facts.map((fact) => (
        <li key={fact}>{fact}</li>
      ))}
    </ul>
  );
}

const editPath = (username: string) => `/staff/accounts/edit?user=${encodeURIComponent(username)}`;

export function AccountsPage({
  ctx,
  members,
  scopes,
}: Ctx & { members: MemberRecord[]; scopes: AccountScopes }) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('accounts.title')}>
      <h1>{t('accounts.title')}</h1>
      <p class="no-print">
        <a class="button" href="/staff/accounts/new">
          {t('accounts.new')}
        </a>
      </p>
      <table class="data accounts">
        <caption class="visually-hidden">{t('accounts.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('accounts.name')}</th>
            <th scope="col">{t('accounts.username')}</th>
            <th scope="col">{t('accounts.roles')}</th>
            <th scope="col">{t('accounts.languages')}</th>
            <th scope="col">{t('accounts.status')}</th>
            <th scope="col">{t('accounts.secondFactor')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.id}>
              <th scope="row">
                <a href={editPath(member.username)}>{member.displayName}</a>
              </th>
              <td>{member.username}</td>
              <td>
                <ul class="plain">
                  {member.grants.map((grant) => (
                    <li key={encodeGrant(grant)}>{grantLabel(ctx, grant, scopes)}</li>
                  ))}
                </ul>
              </td>
              <td>
                <ul class="plain">
                  {member.languages.map((l) => (
                    <li key={l.lang}>{languageLabel(ctx, l.lang, l.level)}</li>
                  ))}
                </ul>
              </td>
              <td>{member.active ? t('accounts.active') : t('accounts.inactive')}</td>
              <td>
                <SecondFactor ctx={ctx} member={member} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </StaffLayout>
  );
}

/** The form's values for a member (edit) or empty (new). */
export function formOf(member?: MemberRecord): AccountForm {
  return {
    user: member?.username ?? '',
    displayName: member?.displayName ?? '',
    email: member?.email ?? '',
    grants: member?.grants.map(encodeGrant) ?? [],
    languages: member?.languages.map((l) => ({ lang: l.lang, level: l.level })) ?? [],
  };
}

function Checkbox({
  id,
  value,
  label,
  form,
}: {
  id: string;
  value: string;
  label: string;
  form: AccountForm;
}) {
  return (
    <div class="radio">
      <input
        type="checkbox"
        id={id}
        name="grant"
        value={value}
        checked={form.grants.includes(value)}
      />
      <label for={id}>{label}</label>
    </div>
  );
}

function RolesField({
  ctx,
  form,
  scopes,
  error,
}: Ctx & { form: AccountForm; scopes: AccountScopes; error: string | undefined }) {
  const { t } = ctx;
  return (
    <div id="grant" class={error ? 'field field-error' : 'field'} tabindex={-1}>
      <fieldset aria-describedby={error ? 'grant-error' : 'grant-hint'}>
        <legend>{t('accounts.roles')}</legend>
        <p class="hint" id="grant-hint">
          {t('accounts.rolesHint')}
        </p>
        {error && (
          <p class="error-message" id="grant-error">
            {error}
          </p>
        )}
        <div class="role-groups">
          {OFFICE_ROLES.map((role) => (
            <fieldset key={role} class="role-group">
              <legend>{t(`accounts.role.${role}`)}</legend>
              <Checkbox
                id={`grant-${role}-all`}
                value={`${role}:all`}
                label={t('accounts.allOffices')}
                form={form}
              />
              {scopes.offices.map((office) => (
                <Checkbox
                  key={office.id}
                  id={`grant-${role}-${office.id}`}
                  value={`${role}:office:${office.id}`}
                  label={office.name}
                  form={form}
                />
              ))}
            </fieldset>
          ))}
          <fieldset class="role-group">
            <legend>{t('accounts.authorityRoles')}</legend>
            {AUTHORITY_ROLES.map((role) => (
              <Checkbox
                key={role}
                id={`grant-${role}`}
                value={`${role}:all`}
                label={t(`accounts.role.${role}`)}
                form={form}
              />
            ))}
          </fieldset>
          {scopes.organisations.length > 0 && (
            <fieldset class="role-group">
              <legend>{t('accounts.role.partner')}</legend>
              {scopes.organisations.map((org) => (
                <Checkbox
                  key={org.id}
                  id={`grant-partner-${org.id}`}
                  value={`partner:org:${org.id}`}
                  label={org.name}
                  form={form}
                />
              ))}
            </fieldset>
          )}
        </div>
      </fieldset>
    </div>
  );
}

function LanguagesField({
  ctx,
  form,
  errors,
}: Ctx & { form: AccountForm; errors: Record<string, string> }) {
  const { t } = ctx;
  const filled = form.languages.filter((l) => l.lang !== '' || l.level !== '').length;
  const rows = Math.min(MAX_LANGUAGE_ROWS, Math.max(3, filled + 2));
  const levels = [
    { value: '', label: t('accounts.levelChoose') },
    ...LANGUAGE_LEVELS.map((level) => ({ value: level, label: t(`accounts.level.${level}`) })),
  ];
  // Rows keep their positions, so that a message stays next to the row it is about.
  const values = Array.from(
    { length: rows },
    (_, i) => form.languages[i] ?? { lang: '', level: '' },
  );
  return (
    <fieldset class="field" aria-describedby="languages-hint">
      <legend>{t('accounts.languages')}</legend>
      <p class="hint" id="languages-hint">
        {t('accounts.languagesHint')}
      </p>
      {values.map((row, i) => (
        <div key={i} class="language-row">
          <StaffField
            name={`lang-${i}`}
            label={t('accounts.languageN', { n: i + 1 })}
            value={row.lang}
            error={errors[`lang-${i}`]}
          />
          <StaffSelect
            name={`level-${i}`}
            label={t('accounts.levelN', { n: i + 1 })}
            options={levels}
            value={row.level}
            error={errors[`level-${i}`]}
          />
        </div>
      ))}
    </fieldset>
  );
}

/** Field order of the error summary (the order of the form). */
const FIELD_ORDER = [
  'user',
  'displayName',
  'email',
  'grant',
  ...Array.from({ length: MAX_LANGUAGE_ROWS }, (_, i) => [`lang-${i}`, `level-${i}`]).flat(),
];

function translated(ctx: StaffPageContext, problems: FieldProblems) {
  const errors: Record<string, string> = {};
  for (const field of FIELD_ORDER) {
    const key = problems[field];
    if (key) errors[field] = ctx.t(key);
  }
  return errors;
}

function AccountFields({
  ctx,
  form,
  scopes,
  errors,
  editing,
}: Ctx & {
  form: AccountForm;
  scopes: AccountScopes;
  errors: Record<string, string>;
  editing: boolean;
}) {
  const { t } = ctx;
  return (
    <>
      {editing ? (
        <input type="hidden" name="user" value={form.user} />
      ) : (
        <StaffField
          name="user"
          label={t('accounts.username')}
          hint={t('accounts.usernameHint')}
          value={form.user}
          error={errors.user}
          autocomplete="off"
        />
      )}
      <StaffField
        name="displayName"
        label={t('accounts.name')}
        value={form.displayName}
        error={errors.displayName}
        autocomplete="off"
      />
      <StaffField
        name="email"
        type="email"
        label={t('accounts.email')}
        hint={t('accounts.emailHint')}
        value={form.email}
        error={errors.email}
        autocomplete="off"
      />
      <RolesField ctx={ctx} form={form} scopes={scopes} error={errors.grant} />
      <LanguagesField ctx={ctx} form={form} errors={errors} />
    </>
  );
}

export function NewAccountPage({
  ctx,
  form,
  scopes,
  problems = {},
}: Ctx & { form: AccountForm; scopes: AccountScopes; problems?: FieldProblems }) {
  const { t } = ctx;
  const errors = translated(ctx, problems);
  return (
    <StaffLayout ctx={ctx} title={t('accounts.newTitle')}>
      <p class="no-print">
        <a href="/staff/accounts">{t('accounts.back')}</a>
      </p>
      <h1>{t('accounts.newTitle')}</h1>
      <p>{t('accounts.newExplain')}</p>
      <StaffErrorSummary ctx={ctx} errors={errors} />
      <StaffPostForm action="/staff/accounts/new" csrf={ctx.csrf}>
        <AccountFields ctx={ctx} form={form} scopes={scopes} errors={errors} editing={false} />
        <button type="submit" class="button">
          {t('accounts.create')}
        </button>
      </StaffPostForm>
    </StaffLayout>
  );
}

export function CreatedPage({
  ctx,
  created,
}: Ctx & { created: { username: string; displayName: string; password: string } }) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} title={t('accounts.createdTitle')}>
      <h1>{t('accounts.createdTitle')}</h1>
      <div class="notice" role="status">
        <p>{t('accounts.created', { name: created.displayName, user: created.username })}</p>
      </div>
      <dl class="summary-list">
        <div class="summary-row">
          <dt>{t('accounts.username')}</dt>
          <dd>
            <code>{created.username}</code>
          </dd>
        </div>
        <div class="summary-row">
          <dt>{t('accounts.oneTimePassword')}</dt>
          <dd>
            <code class="secret" id="one-time-password">
              {created.password}
            </code>
          </dd>
        </div>
      </dl>
      <p>{t('accounts.oneTimePasswordExplain')}</p>
      <p class="no-print">
        <a href={editPath(created.username)}>{t('accounts.toAccount')}</a>
        {' · '}
        <a href="/staff/accounts">{t('accounts.back')}</a>
      </p>
    </StaffLayout>
  );
}

const NOTICES = [
  'saved',
  'deactivated',
  'reactivated',
  'secondFactorReset',
  'sessionsEnded',
  'unchanged',
];

function ActionButton({
  ctx,
  action,
  username,
  label,
  warning,
}: Ctx & { action: string; username: string; label: string; warning?: boolean }) {
  return (
    <StaffPostForm action={`/staff/accounts/${action}`} csrf={ctx.csrf}>
      <input type="hidden" name="user" value={username} />
      <button type="submit" class={warning ? 'button button-warning' : 'button'}>
        {label}
      </button>
    </StaffPostForm>
  );
}

export function EditAccountPage({
  ctx,
  member,
  scopes,
  form,
  problems = {},
  notice,
}: Ctx & {
  member: MemberRecord;
  scopes: AccountScopes;
  form: AccountForm;
  problems?: FieldProblems;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const errors = translated(ctx, problems);
  const actionError = problems.action ? t(problems.action) : undefined;
  return (
    <StaffLayout ctx={ctx} title={t('accounts.editTitle', { name: member.displayName })}>
      <p class="no-print">
        <a href="/staff/accounts">{t('accounts.back')}</a>
      </p>
      <h1>{t('accounts.editTitle', { name: member.displayName })}</h1>
      {notice && NOTICES.includes(notice) && (
        <div class="notice" role="status">
          <p>{t(`accounts.done.${notice}`)}</p>
        </div>
      )}
      {actionError && (
        <div class="error-summary" role="alert" tabindex={-1}>
          <h2>{t('accounts.refused')}</h2>
          <p>{actionError}</p>
        </div>
      )}
      <StaffErrorSummary ctx={ctx} errors={errors} />
      <dl class="summary-list">
        <div class="summary-row">
          <dt>{t('accounts.username')}</dt>
          <dd>{member.username}</dd>
        </div>
        <div class="summary-row">
          <dt>{t('accounts.status')}</dt>
          <dd>{member.active ? t('accounts.active') : t('accounts.inactive')}</dd>
        </div>
        <div class="summary-row">
          <dt>{t('accounts.secondFactor')}</dt>
          <dd>
            <SecondFactor ctx={ctx} member={member} />
          </dd>
        </div>
        <div class="summary-row">
          <dt>{t('accounts.sessions')}</dt>
          <dd>{t('accounts.sessionCount', { count: member.sessions })}</dd>
        </div>
      </dl>
      <section aria-labelledby="details-title">
        <h2 id="details-title">{t('accounts.details')}</h2>
        <StaffPostForm action="/staff/accounts/edit" csrf={ctx.csrf}>
          <AccountFields ctx={ctx} form={form} scopes={scopes} errors={errors} editing />
          <button type="submit" class="button">
            {t('accounts.save')}
          </button>
        </StaffPostForm>
      </section>
      <section aria-labelledby="actions-title" class="no-print">
        <h2 id="actions-title">{t('accounts.actions')}</h2>
        <div class="actions">
          {member.active ? (
            <ActionButton
              ctx={ctx}
              action="deactivate"
              username={member.username}
              label={t('accounts.action.deactivate')}
              warning
            />
          ) : (
            <ActionButton
              ctx={ctx}
              action="reactivate"
              username={member.username}
              label={t('accounts.action.reactivate')}
            />
          )}
          <ActionButton
            ctx={ctx}
            action="reset-second-factor"
            username={member.username}
            label={t('accounts.action.resetSecondFactor')}
            warning
          />
          <ActionButton
            ctx={ctx}
            action="end-sessions"
            username={member.username}
            label={t('accounts.action.endSessions')}
          />
        </div>
      </section>
    </StaffLayout>
  );
}

const ACTION_PATHS: Record<AccountAction, string> = {
  deactivate: 'deactivate',
  reactivate: 'reactivate',
  resetSecondFactor: 'reset-second-factor',
  endSessions: 'end-sessions',
};

export function ConfirmPage({
  ctx,
  member,
  action,
}: Ctx & { member: MemberRecord; action: AccountAction }) {
  const { t } = ctx;
  const title = t(`accounts.confirm.${action}.title`, { name: member.displayName });
  return (
    <StaffLayout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{t(`accounts.confirm.${action}.text`, { name: member.displayName })}</p>
      <StaffPostForm action={`/staff/accounts/${ACTION_PATHS[action]}`} csrf={ctx.csrf}>
        <input type="hidden" name="user" value={member.username} />
        <input type="hidden" name="confirm" value="yes" />
        <div class="actions">
          <button type="submit" class="button button-warning">
            {t(`accounts.action.${action}`)}
          </button>
          <a href={editPath(member.username)}>{t('accounts.cancel')}</a>
        </div>
      </StaffPostForm>
    </StaffLayout>
  );
}
