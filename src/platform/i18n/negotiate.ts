import Negotiator from 'negotiator';
import { LANGUAGES, SOURCE_LANGUAGE } from './languages.ts';

// Plain German is a choice made on the page, never negotiated from the browser.
const NEGOTIABLE = LANGUAGES.filter((l) => !l.tag.includes('-x-')).map((l) => l.code);

export function negotiateLanguage(acceptLanguage: string | undefined): string {
  if (!acceptLanguage) return SOURCE_LANGUAGE;
  const negotiator = new Negotiator({ headers: { 'accept-language': acceptLanguage } });
  return negotiator.language(NEGOTIABLE) ?? SOURCE_LANGUAGE;
}
