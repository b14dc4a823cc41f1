import type { ComponentChildren } from 'preact';
import type { PageContext } from '../../platform/ui/context.ts';
import {
  BackLink,
  ErrorSummary,
  PostForm,
  Radios,
  SubmitButton,
  type Option,
} from '../../platform/ui/forms.tsx';
import { Layout } from '../../platform/ui/layout.tsx';

type Props = {
  ctx: PageContext;
  title: string;
  name: string;
  options: Option[];
  value?: string | undefined;
  error?: string | undefined;
  action: string;
  csrf: string;
  back?: string | undefined;
  hint?: ComponentChildren;
  empty?: ComponentChildren;
  submitLabel?: string;
};

/** One question per page: a radio list, its error, and a button (GOV.UK pattern). */
export function QuestionPage({
  ctx,
  title,
  name,
  options,
  value,
  error,
  action,
  csrf,
  back,
  hint,
  empty,
  submitLabel,
}: Props) {
  const errors = error ? { [name]: error } : {};
  return (
    <Layout ctx={ctx} title={error ? `${ctx.t('form.errorPrefix')}: ${title}` : title}>
      {back && <BackLink href={back}>{ctx.t('form.back')}</BackLink>}
      <ErrorSummary ctx={ctx} errors={errors} />
      {options.length === 0 ? (
        <>
          <h1>{title}</h1>
          {empty}
        </>
      ) : (
        <PostForm action={action} csrf={csrf}>
          <Radios
            ctx={ctx}
            name={name}
            legend={title}
            options={options}
            value={value}
            error={error}
          />
          {hint}
          <SubmitButton>{submitLabel ?? ctx.t('form.continue')}</SubmitButton>
        </PostForm>
      )}
    </Layout>
  );
}
