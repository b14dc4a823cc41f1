import type { PageContext } from '../../platform/ui/context.ts';
import { formatLongDay } from '../../platform/ui/format.ts';
import { Layout } from '../../platform/ui/layout.tsx';

type Props = { ctx: PageContext; createdOn: string; conciliationUrl: string };

export function AccessibilityPage({ ctx, createdOn, conciliationUrl }: Props) {
  const { t } = ctx;
  const date = formatLongDay(ctx.lang.tag, createdOn);
  return (
    <Layout ctx={ctx} title={t('a11y.title')}>
      <h1>{t('a11y.title')}</h1>
      <h2>{t('a11y.scopeHeading')}</h2>
      <p>{t('a11y.scope', { site: ctx.site.name })}</p>
      <h2>{t('a11y.statusHeading')}</h2>
      <p>{t('a11y.status')}</p>
      <h2>{t('a11y.gapsHeading')}</h2>
      <ul>
        <li>{t('a11y.gapSignLanguage')}</li>
        <li>{t('a11y.gapTranslations')}</li>
      </ul>
      <h2>{t('a11y.creationHeading')}</h2>
      <p>{t('a11y.creation', { date })}</p>
      <h2 id="feedback">{t('a11y.feedbackHeading')}</h2>
      <p>{t('a11y.feedback')}</p>
      <p>
        <a href={`mailto:${ctx.site.accessibilityEmail}`}>
          {t('a11y.feedbackLink', { email: ctx.site.accessibilityEmail })}
        </a>
      </p>
      <h2>{t('a11y.enforcementHeading')}</h2>
      <p>{t('a11y.enforcement')}</p>
      <p>
        <a href={conciliationUrl}>{t('a11y.enforcementLink')}</a>
      </p>
    </Layout>
  );
}
