import type { ComponentChildren } from 'preact';
import type { PageContext } from './context.ts';

// Form parts in the GOV.UK manner: a label or legend per question, the error next to the
// field and in a summary that links to it, no HTML5 validation (forms carry novalidate).

export type FieldErrors = Record<string, string>; // field name -> translated message

export function ErrorSummary({ ctx, errors }: { ctx: PageContext; errors: FieldErrors }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">{ctx.t('form.errorSummaryTitle')}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            <a href={`#${field}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ErrorMessage({
  ctx,
  id,
  message,
}: {
  ctx: PageContext;
  id: string;
  message?: string | undefined;
}) {
  if (!message) return null;
  return (
    <p class="error-message" id={`${id}-error`}>
      <span class="visually-hidden">{ctx.t('form.errorPrefix')}: </span>
      {message}
    </p>
  );
}

type Form = { action: string; csrf: string; children: ComponentChildren };

export function PostForm({ action, csrf, children }: Form) {
  return (
    <form method="post" action={action} novalidate>
      <input type="hidden" name="_csrf" value={csrf} />
      {children}
    </form>
  );
}

export type Option = { value: string; label: ComponentChildren; hint?: ComponentChildren };

type RadiosProps = {
  ctx: PageContext;
  name: string;
  legend: ComponentChildren;
  options: Option[];
  value?: string | undefined;
  error?: string | undefined;
  asHeading?: boolean;
};

export function Radios({
  ctx,
  name,
  legend,
  options,
  value,
  error,
  asHeading = true,
}: RadiosProps) {
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <fieldset aria-describedby={error ? `${name}-error` : undefined}>
        <legend>{asHeading ? <h1>{legend}</h1> : legend}</legend>
        <ErrorMessage ctx={ctx} id={name} message={error} />
        <div class="radios">
          {options.map((option, index) => {
            const id = index === 0 ? name : `${name}-${index}`;
            return (
              <div class="radio" key={option.value}>
                <input
                  type="radio"
                  id={id}
                  name={name}
                  value={option.value}
                  checked={option.value === value}
                />
                <label for={id}>
                  {option.label}
                  {option.hint && <span class="hint">{option.hint}</span>}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

type InputProps = {
  ctx: PageContext;
  name: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  value?: string | undefined;
  error?: string | undefined;
  type?: 'text' | 'email' | 'tel';
  autocomplete?: string;
  width?: 'short' | 'full';
  dir?: 'ltr';
};

export function TextInput({
  ctx,
  name,
  label,
  hint,
  value,
  error,
  type = 'text',
  autocomplete,
  width = 'full',
  dir,
}: InputProps) {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={name}>{label}</label>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      <ErrorMessage ctx={ctx} id={name} message={error} />
      <input
        id={name}
        name={name}
        // preact types input attributes per type; the three we allow share these attributes
        type={type as 'text'}
        value={value ?? ''}
        class={width === 'short' ? 'input-short' : undefined}
        autocomplete={autocomplete}
        spellcheck={false}
        dir={dir}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? 'true' : undefined}
      />
    </div>
  );
}

type DateProps = {
  ctx: PageContext;
  name: string; // prefix: <name>Day, <name>Month, <name>Year
  legend: ComponentChildren;
  hint?: ComponentChildren;
  values: { day?: string | undefined; month?: string | undefined; year?: string | undefined };
  error?: string | undefined;
};

export function DateInput({ ctx, name, legend, hint, values, error }: DateProps) {
  const parts = [
    ['Day', ctx.t('form.day'), values.day, 'bday-day', 2],
    ['Month', ctx.t('form.month'), values.month, 'bday-month', 2],
    ['Year', ctx.t('form.year'), values.year, 'bday-year', 4],
  ] as const;
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <fieldset
        role="group"
        aria-describedby={
          [hint ? `${name}-hint` : '', error ? `${name}Day-error` : ''].filter(Boolean).join(' ') ||
          undefined
        }
      >
        <legend>{legend}</legend>
        {hint && (
          <p class="hint" id={`${name}-hint`}>
            {hint}
          </p>
        )}
        <ErrorMessage ctx={ctx} id={`${name}Day`} message={error} />
        <div class="date-input" dir="ltr">
          {parts.map(([part, label, value, autocomplete, size]) => (
            <div class="date-part" key={part}>
              <label for={`${name}${part}`}>{label}</label>
              <input
                id={`${name}${part}`}
                name={`${name}${part}`}
                type="text"
                inputmode="numeric"
                value={value ?? ''}
                autocomplete={autocomplete}
                class={size === 4 ? 'input-year' : 'input-2'}
                aria-invalid={error ? 'true' : undefined}
              />
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

type SelectProps = {
  ctx: PageContext;
  name: string;
  label: ComponentChildren;
  options: { value: string; label: string; lang?: string }[];
  value?: string | undefined;
  error?: string | undefined;
};

export function Select({ ctx, name, label, options, value, error }: SelectProps) {
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={name}>{label}</label>
      <ErrorMessage ctx={ctx} id={name} message={error} />
      <select
        id={name}
        name={name}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function SubmitButton({ children }: { children: ComponentChildren }) {
  return (
    <button type="submit" class="button">
      {children}
    </button>
  );
}

export function BackLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <p>
      <a class="back-link" href={href}>
        {children}
      </a>
    </p>
  );
}

export type SummaryRow = {
  key: ComponentChildren;
  value: ComponentChildren;
  change?: { href: string; label: string };
};

export function SummaryList({ rows }: { rows: SummaryRow[] }) {
  return (
    <dl class="summary-list">
      {rows.map((row, index) => (
        <div class="summary-row" key={index}>
          <dt>{row.key}</dt>
          <dd>{row.value}</dd>
          {row.change && (
            <dd class="summary-change">
              <a href={row.change.href}>{row.change.label}</a>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}
