import type { MessageKey } from '../../platform/i18n/messages.ts';
import { href, type PageContext } from '../../platform/ui/context.ts';
import { Layout } from './layout.tsx';

const TEXTS: Record<number, [MessageKey, MessageKey]> = {
  400: ['error.badRequestTitle', 'error.badRequestText'],
  403: ['error.forbiddenTitle', 'form.expired'],
  404: ['error.notFoundTitle', 'error.notFoundText'],
  429: ['error.tooManyTitle', 'error.tooManyText'],
  503: ['error.unavailableTitle', 'error.unavailableText'],
};

/** Reveals nothing internal: a title, a plain sentence and, for 5xx, a reference to quote. */
export function ErrorPage({
  ctx,
  status,
  reference,
}: {
  ctx: PageContext;
  status: number;
  reference?: string;
}) {
  const [title, text] = TEXTS[status] ??
    (status < 500 ? TEXTS[400] : undefined) ?? ['error.serverTitle', 'error.serverText'];
  return (
    <Layout ctx={ctx} title={ctx.t(title)}>
      <h1>{ctx.t(title)}</h1>
      <p>{ctx.t(text)}</p>
      {reference && status >= 500 && <p>{ctx.t('error.reference', { id: reference })}</p>}
      <p>
        <a href={href(ctx, '/')}>{ctx.t('error.backHome')}</a>
      </p>
    </Layout>
  );
}
