import type { PageContext } from '../../platform/ui/context.ts';
import { BackLink, PostForm, SubmitButton } from '../../platform/ui/forms.tsx';
import { Layout } from '../../platform/ui/layout.tsx';
import { AppointmentSummary, type AppointmentView } from './booking-summary.tsx';

type Props = {
  ctx: PageContext;
  view: AppointmentView;
  action: string;
  csrf: string;
  links: { concern: string; office: string; time: string; details: string };
};

export function CheckPage({ ctx, view, action, csrf, links }: Props) {
  const title = ctx.t('booking.checkTitle');
  return (
    <Layout ctx={ctx} title={title}>
      <BackLink href={links.details}>{ctx.t('form.back')}</BackLink>
      <h1>{title}</h1>
      <AppointmentSummary ctx={ctx} view={view} change={links} />
      <PostForm action={action} csrf={csrf}>
        <SubmitButton>{ctx.t('booking.confirm')}</SubmitButton>
      </PostForm>
    </Layout>
  );
}
