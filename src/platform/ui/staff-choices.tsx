import type { ComponentChildren } from 'preact';
import { getLanguage } from '../i18n/languages.ts';

// Radio buttons and checkboxes for staff forms: a fieldset whose legend names the question,
// a label on every box, the message beside the group (its id is what the error summary links
// to: the first box).

type Choice = { value: string; label: ComponentChildren; lang?: string | undefined };

type GroupProps = {
  name: string;
  legend: ComponentChildren;
  choices: Choice[];
  error?: string | undefined;
  hint?: ComponentChildren;
  /** Lays the boxes out in columns (long lists such as languages). */
  columns?: boolean;
};

function Group({
  name,
  legend,
  choices,
  error,
  hint,
  columns,
  type,
  checked,
}: GroupProps & { type: 'radio' | 'checkbox'; checked: (value: string) => boolean }) {
  const describedBy =
    [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <fieldset aria-describedby={describedBy}>
        <legend>{legend}</legend>
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
        <div class={columns ? 'radios choice-columns' : 'radios'}>
          {choices.map((choice, index) => {
            // The first box carries the field's name as id: the error summary links there.
            const id = index === 0 ? name : `${name}-${choice.value}`;
            return (
              <div class="radio" key={choice.value}>
                <input
                  type={type}
                  id={id}
                  name={name}
                  value={choice.value}
                  checked={checked(choice.value)}
                  aria-invalid={error ? 'true' : undefined}
                />
                <label for={id} lang={choice.lang}>
                  {choice.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function StaffRadios(props: GroupProps & { value?: string | undefined }) {
  return <Group {...props} type="radio" checked={(value) => value === props.value} />;
}

export function StaffCheckboxes(props: GroupProps & { values: readonly string[] }) {
  return <Group {...props} type="checkbox" checked={(value) => props.values.includes(value)} />;
}

/** One checkbox that says yes to a statement; unchecked sends nothing. */
export function StaffCheckbox({
  name,
  label,
  checked,
  hint,
}: {
  name: string;
  label: ComponentChildren;
  checked: boolean;
  hint?: ComponentChildren;
}) {
  return (
    <div class="field radio">
      <input
        type="checkbox"
        id={name}
        name={name}
        value="yes"
        checked={checked}
        aria-describedby={hint ? `${name}-hint` : undefined}
      />
      <label for={name}>{label}</label>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A portal language as staff read it: its name in the staff language, then its own name. */
export function LanguageLabel({
  ctx,
  code,
}: {
  ctx: { t: (key: string) => string };
  code: string;
}) {
  const language = getLanguage(code);
  const name = ctx.t(`translation.language.${code}`);
  if (name === language.endonym) return <>{name}</>;
  return (
    <>
      {name} (
      <bdi lang={language.tag} dir={language.rtl ? 'rtl' : 'ltr'}>
        {language.endonym}
      </bdi>
      )
    </>
  );
}
