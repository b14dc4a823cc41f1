import { LANGUAGES } from '../../platform/i18n/languages.ts';
import type { PageContext } from '../../platform/ui/context.ts';
import { languageName } from '../../platform/ui/format.ts';
import {
  BackLink,
  DateInput,
  ErrorSummary,
  PostForm,
  Radios,
  Select,
  SubmitButton,
  TextInput,
  type FieldErrors,
} from '../../platform/ui/forms.tsx';
import { Layout } from '../../platform/ui/layout.tsx';
import { INTERPRETER_LANGUAGES } from '../schema.ts';

export type DetailsValues = Partial<Record<string, string>>;

type Props = {
  ctx: PageContext;
  values: DetailsValues;
  errors: FieldErrors;
  action: string;
  back: string;
  csrf: string;
};

export function DetailsPage({ ctx, values, errors, action, back, csrf }: Props) {
  const { t } = ctx;
  const title = t('booking.detailsTitle');
  const interpreterOptions = INTERPRETER_LANGUAGES.map((code) => ({
    value: code,
    label: languageName(ctx.lang.tag, code),
  })).sort((a, b) => a.label.localeCompare(b.label, ctx.lang.tag));
  return (
    <Layout
      ctx={ctx}
      title={Object.keys(errors).length > 0 ? `${t('form.errorPrefix')}: ${title}` : title}
    >
      <BackLink href={back}>{t('form.back')}</BackLink>
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <PostForm action={action} csrf={csrf}>
        <p class="hint">{t('booking.nameHint')}</p>
        <TextInput
          ctx={ctx}
          name="familyName"
          label={t('booking.familyName')}
          value={values.familyName}
          error={errors.familyName}
          autocomplete="family-name"
          dir="ltr"
        />
        <TextInput
          ctx={ctx}
          name="givenNames"
          label={t('booking.givenNames')}
          value={values.givenNames}
          error={errors.givenNames}
          autocomplete="given-name"
          dir="ltr"
        />
        <DateInput
          ctx={ctx}
          name="dob"
          legend={t('booking.dateOfBirth')}
          hint={t('booking.dateOfBirthHint')}
          values={{ day: values.dobDay, month: values.dobMonth, year: values.dobYear }}
          error={errors.dobDay}
        />
        <p class="hint">{t('booking.contactHint')}</p>
        <TextInput
          ctx={ctx}
          name="email"
          type="email"
          label={t('booking.email')}
          hint={t('booking.emailHint')}
          value={values.email}
          error={errors.email}
          autocomplete="email"
          dir="ltr"
        />
        <TextInput
          ctx={ctx}
          name="phone"
          type="tel"
          label={t('booking.phone')}
          value={values.phone}
          error={errors.phone}
          autocomplete="tel"
          dir="ltr"
        />
        <Select
          ctx={ctx}
          name="language"
          label={t('booking.language')}
          value={values.language ?? ctx.lang.code}
          error={errors.language}
          options={LANGUAGES.map((l) => ({ value: l.code, label: l.endonym, lang: l.tag }))}
        />
        <Radios
          ctx={ctx}
          name="interpreter"
          asHeading={false}
          legend={t('booking.interpreterQuestion')}
          value={values.interpreter}
          error={errors.interpreter}
          options={[
            { value: 'no', label: t('booking.no') },
            { value: 'yes', label: t('booking.yes') },
          ]}
        />
        <Select
          ctx={ctx}
          name="interpreterLanguage"
          label={t('booking.interpreterLanguage')}
          value={values.interpreterLanguage}
          error={errors.interpreterLanguage}
          options={[{ value: '', label: '—' }, ...interpreterOptions]}
        />
        <SubmitButton>{t('form.continue')}</SubmitButton>
      </PostForm>
    </Layout>
  );
}
