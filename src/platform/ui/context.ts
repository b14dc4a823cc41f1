import type { MessageKey, Translate } from '../i18n/messages.ts';
import type { Language } from '../i18n/languages.ts';

/** A link of the site's navigation; `lang` pins pages that exist in one language only. */
export type NavigationItem = { path: string; label: MessageKey; lang?: string };

/** What every page needs to render: the reader's language and where they are. */
export type PageContext = {
  lang: Language;
  t: Translate;
  /** The path after the language prefix, starting with '/', e.g. '/concerns/naturalisation'. */
  path: string;
  site: { name: string; accessibilityEmail: string };
  navigation: { main: NavigationItem[]; footer: NavigationItem[] };
};

/** Link within the reader's language. */
export const href = (ctx: PageContext, path: string) => `/${ctx.lang.code}${path}`;
