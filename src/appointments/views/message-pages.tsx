import type { PageContext } from '../../platform/ui/context.ts';
import {
  ErrorSummary,
  PostForm,
  SubmitButton,
  TextInput,
  DateInput,
  type FieldErrors,
} from '../../platform/ui/forms.tsx';
import { Layout } from '../../platform/ui/layout.tsx';

export function MessagePage({
  ctx,
  title,
  text,
  link,
}: {
  ctx: PageContext;
  title: string;
  text?: string;
  link?: { href: string; label: string };
}) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      {text && <p>{text}</p>}
      {link && (
        <p>
          <a href={link.href}>{link.label}</a>
        </p>
      )}
    </Layout>
  );
}

type LookupProps = {
  ctx: PageContext;
  values: Partial<Record<string, string>>;
  errors: FieldErrors;
  action: string;
  csrf: string;
};

export function LookupPage({ ctx, values, errors, action, csrf }: LookupProps) {
  const { t } = ctx;
  const title = t('booking.manageTitle');
  return (
    <Layout
      ctx={ctx}
      title={Object.keys(errors).length > 0 ? `${t('form.errorPrefix')}: ${title}` : title}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <PostForm action={action} csrf={csrf}>
        <TextInput
          ctx={ctx}
          name="code"
          label={t('booking.code')}
          value={values.code}
          error={errors.code}
          width="short"
          dir="ltr"
          autocomplete="off"
        />
        <DateInput
          ctx={ctx}
          name="dob"
          legend={t('booking.dateOfBirth')}
          hint={t('booking.dateOfBirthHint')}
          values={{ day: values.dobDay, month: values.dobMonth, year: values.dobYear }}
          error={errors.dobDay}
        />
        <SubmitButton>{t('booking.show')}</SubmitButton>
      </PostForm>
    </Layout>
  );
}
