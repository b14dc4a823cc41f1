import type { ComponentChildren } from 'preact';
import type { ResolvedText, TranslationState } from '../i18n/content.ts';
import { getLanguage } from '../i18n/languages.ts';
import type { PageContext } from './context.ts';

/** lang/dir attributes for a text shown in another language than the page (WCAG 3.1.2). */
export function langAttributes(
  ctx: PageContext,
  textLang: string,
): { lang?: string; dir?: 'rtl' | 'ltr' } {
  if (textLang === ctx.lang.code) return {};
  const language = getLanguage(textLang);
  return { lang: language.tag, dir: language.rtl ? 'rtl' : 'ltr' };
}

type TextProps = {
  ctx: PageContext;
  value: ResolvedText | undefined;
  as?: 'p' | 'span' | 'h1' | 'h2' | 'div';
};

export function Text({ ctx, value, as: Tag = 'span' }: TextProps) {
  if (!value) return null;
  return <Tag {...langAttributes(ctx, value.lang)}>{value.text}</Tag>;
}

/** Tells the reader when what they read is a fallback, outdated or not yet checked. */
export function TranslationNotice({ ctx, state }: { ctx: PageContext; state: TranslationState }) {
  const { t } = ctx;
  const messages: string[] = [];
  if (state.fallbackLangs.length > 0) {
    messages.push(
      t('notice.fallback', {
        languages: state.fallbackLangs.map((code) => getLanguage(code).endonym).join(', '),
      }),
    );
  }
  if (state.stale) messages.push(t('notice.stale'));
  else if (state.unreviewed && ctx.lang.code !== 'de') messages.push(t('notice.unreviewed'));
  if (messages.length === 0) return null;
  return (
    <div class="notice" role="note">
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

export function Breadcrumbs({
  ctx,
  items,
}: {
  ctx: PageContext;
  items: { href: string; label: ComponentChildren }[];
}) {
  return (
    <nav class="breadcrumbs" aria-label={ctx.t('layout.breadcrumbs')}>
      <ol>
        {items.map((item) => (
          <li key={item.href}>
            <a href={item.href}>{item.label}</a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
