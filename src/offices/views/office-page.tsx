import { Layout } from '../../platform/ui/layout.tsx';
import { Breadcrumbs, Text, TranslationNotice } from '../../platform/ui/components.tsx';
import { href, type PageContext } from '../../platform/ui/context.ts';
import type { ResolvedText } from '../../platform/i18n/content.ts';
import type { Office } from '../service.ts';
import { Address, OfficeName, OpeningHoursTable, SpokenLanguages } from './office-parts.tsx';

export type OfferedConcern = { id: string; title: ResolvedText | undefined };

const SCHEMA_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function officeStructuredData(office: Office, url: string, providerName: string) {
  return {
    '@context': 'https://schema.org',
    '@type': 'GovernmentOffice',
    '@id': url,
    url,
    name: office.texts.name?.text,
    parentOrganization: { '@type': 'GovernmentOrganization', name: providerName },
    address: {
      '@type': 'PostalAddress',
      streetAddress: office.street,
      postalCode: office.postalCode,
      addressLocality: office.city,
      addressCountry: 'DE',
    },
    ...(office.phone ? { telephone: office.phone } : {}),
    ...(office.email ? { email: office.email } : {}),
    ...(office.latitude && office.longitude
      ? {
          geo: {
            '@type': 'GeoCoordinates',
            latitude: Number(office.latitude),
            longitude: Number(office.longitude),
          },
        }
      : {}),
    knowsLanguage: office.languages,
    isAccessibleForFree: true,
    openingHoursSpecification: office.hours.map((h) => ({
      '@type': 'OpeningHoursSpecification',
      dayOfWeek: `https://schema.org/${SCHEMA_DAYS[h.weekday - 1]}`,
      opens: h.opens.slice(0, 5),
      closes: h.closes.slice(0, 5),
    })),
  };
}

type Props = { ctx: PageContext; office: Office; concerns: OfferedConcern[]; url: string };

export function OfficePage({ ctx, office, concerns, url }: Props) {
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      title={office.texts.name?.text ?? office.id}
      structuredData={officeStructuredData(office, url, ctx.site.name)}
    >
      <Breadcrumbs ctx={ctx} items={[{ href: href(ctx, '/offices'), label: t('offices.title') }]} />
      <h1>
        <OfficeName ctx={ctx} office={office} />
      </h1>
      <TranslationNotice ctx={ctx} state={office.state} />
      <div class="columns">
        <section aria-labelledby="address-heading">
          <h2 id="address-heading">{t('office.address')}</h2>
          <Address office={office} />
          {office.phone && (
            <p>
              {t('office.phone')}:{' '}
              <a href={`tel:${office.phone.replace(/\s/g, '')}`}>{office.phone}</a>
            </p>
          )}
          {office.email && (
            <p>
              {t('office.email')}: <a href={`mailto:${office.email}`}>{office.email}</a>
            </p>
          )}
          <Text ctx={ctx} value={office.texts.directions} as="p" />
        </section>
        <OpeningHoursTable ctx={ctx} office={office} />
      </div>
      <section aria-labelledby="access-heading">
        <h2 id="access-heading">{t('office.accessibility')}</h2>
        <p>{office.wheelchairAccessible ? t('office.wheelchairYes') : t('office.wheelchairNo')}</p>
        <Text ctx={ctx} value={office.texts.accessibility} as="p" />
      </section>
      <section aria-labelledby="languages-heading">
        <h2 id="languages-heading">{t('office.languages')}</h2>
        <SpokenLanguages ctx={ctx} office={office} />
      </section>
      <section aria-labelledby="concerns-heading">
        <h2 id="concerns-heading">{t('office.concernsHere')}</h2>
        <ul>
          {concerns.map((c) => (
            <li key={c.id}>
              <a href={href(ctx, `/concerns/${c.id}`)}>
                <Text ctx={ctx} value={c.title} />
              </a>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
