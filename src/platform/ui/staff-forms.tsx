import type { ComponentChildren } from 'preact';

// Form parts for the staff area: a label per field, the message beside the field (and in
// the page's error summary), no HTML5 validation; every POST carries the session's token.

export function StaffPostForm({
  action,
  csrf,
  children,
  class: className,
}: {
  action: string;
  csrf: string;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <form method="post" action={action} novalidate class={className}>
      <input type="hidden" name="_csrf" value={csrf} />
      {children}
    </form>
  );
}

type FieldProps = {
  name: string;
  label: ComponentChildren;
  value?: string | undefined;
  error?: string | undefined;
  hint?: ComponentChildren;
  type?: 'text' | 'password' | 'email' | 'number' | 'time' | 'date' | 'tel' | 'url';
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'email';
  required?: boolean;
  lang?: string;
  dir?: 'ltr' | 'rtl' | 'auto';
  multiline?: boolean;
};

export function StaffField(props: FieldProps) {
  const { name, error, hint } = props;
  const describedBy =
    [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') ||
    undefined;
  const common = {
    id: name,
    name,
    'aria-describedby': describedBy,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-required': props.required ? ('true' as const) : undefined,
    lang: props.lang,
    dir: props.dir,
  };
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={name}>{props.label}</label>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error-message" id={`${name}-error`}>
          {error}
        </p>
      )}
      {props.multiline ? (
        <textarea {...common} rows={5}>
          {props.value ?? ''}
        </textarea>
      ) : (
        <input
          {...common}
          type={(props.type ?? 'text') as 'text'}
          value={props.value ?? ''}
          autocomplete={props.autocomplete}
          inputmode={props.inputmode}
          spellcheck={false}
        />
      )}
    </div>
  );
}

export function StaffSelect({
  name,
  label,
  options,
  value,
  error,
}: {
  name: string;
  label: ComponentChildren;
  options: { value: string; label: string }[];
  value?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={name}>{label}</label>
      {error && (
        <p class="error-message" id={`${name}-error`}>
          {error}
        </p>
      )}
      <select
        id={name}
        name={name}
        aria-describedby={error ? `${name}-error` : undefined}
        aria-invalid={error ? 'true' : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
