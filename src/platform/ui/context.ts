import type { Translate } from '../i18n/messages.ts';
import type { Language } from '../i18n/languages.ts';

/** What every page needs to render: the reader's language and where they are. */
export type PageContext = {
  lang: Language;
  t: Translate;
  /** The path after the language prefix, starting with '/', e.g. '/concerns/naturalisation'. */
  path: string;
  site: { name: string; accessibilityEmail: string };
};

/** Link within the reader's language. */
export const href = (ctx: PageContext, path: string) => `/${ctx.lang.code}${path}`;
