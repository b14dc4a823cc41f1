import { href, type PageContext } from './context.ts';
import { Layout } from './layout.tsx';

/** Reveals nothing internal: a title, a plain sentence and, for 5xx, a reference to quote. */
export function ErrorPage({
  ctx,
  title,
  text,
  reference,
}: {
  ctx: PageContext;
  title: string;
  text: string;
  reference?: string | undefined;
}) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{text}</p>
      {reference && <p>{ctx.t('error.reference', { id: reference })}</p>}
      <p>
        <a href={href(ctx, '/')}>{ctx.t('error.backHome')}</a>
      </p>
    </Layout>
  );
}
