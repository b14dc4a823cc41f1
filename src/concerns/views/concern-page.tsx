import type { Office } from '../../offices/service.ts';
import { Breadcrumbs, Text, TranslationNotice } from '../../platform/ui/components.tsx';
import { href, type PageContext } from '../../platform/ui/context.ts';
import { Layout } from '../../platform/ui/layout.tsx';
import { documentList, type Concern } from '../service.ts';
import { langAttributes } from '../../platform/ui/components.tsx';

export function concernStructuredData(
  concern: Concern,
  offices: Office[],
  url: string,
  officeUrl: (id: string) => string,
  providerName: string,
) {
  return {
    '@context': 'https://schema.org',
    '@type': 'GovernmentService',
    '@id': url,
    url,
    name: concern.texts.title?.text,
    description: concern.texts.summary?.text,
    audience: { '@type': 'Audience', audienceType: concern.texts.audience?.text },
    ...(concern.leikaKey ? { identifier: concern.leikaKey } : {}),
    provider: { '@type': 'GovernmentOrganization', name: providerName },
    availableChannel: offices.map((office) => ({
      '@type': 'ServiceChannel',
      serviceLocation: {
        '@type': 'GovernmentOffice',
        '@id': officeUrl(office.id),
        name: office.texts.name?.text,
        address: {
          '@type': 'PostalAddress',
          streetAddress: office.street,
          postalCode: office.postalCode,
          addressLocality: office.city,
          addressCountry: 'DE',
        },
      },
    })),
  };
}

type Props = {
  ctx: PageContext;
  concern: Concern;
  offices: Office[];
  url: string;
  officeUrl: (id: string) => string;
};

export function ConcernPage({ ctx, concern, offices, url, officeUrl }: Props) {
  const { texts } = concern;
  return (
    <Layout
      ctx={ctx}
      title={texts.title?.text ?? concern.id}
      {...(texts.summary ? { description: texts.summary.text } : {})}
      structuredData={concernStructuredData(concern, offices, url, officeUrl, ctx.site.name)}
    >
      <ConcernContent ctx={ctx} concern={concern} offices={offices} />
    </Layout>
  );
}

/** The page's content without its frame: also what administration previews before publishing. */
export function ConcernContent({
  ctx,
  concern,
  offices,
}: {
  ctx: PageContext;
  concern: Concern;
  offices: Office[];
}) {
  const { t } = ctx;
  const { texts } = concern;
  const documents = documentList(texts.documents);
  return (
    <>
      <Breadcrumbs
        ctx={ctx}
        items={[{ href: href(ctx, '/concerns'), label: t('concerns.title') }]}
      />
      <h1>
        <Text ctx={ctx} value={texts.title} />
      </h1>
      <TranslationNotice ctx={ctx} state={concern.state} />
      <Text ctx={ctx} value={texts.summary} as="p" />
      {offices.length > 0 && (
        <p>
          <a class="button-primary-link" href={`${href(ctx, '/book')}?concern=${concern.id}`}>
            {t('concern.book')}
          </a>
        </p>
      )}
      <h2>{t('concern.audience')}</h2>
      <Text ctx={ctx} value={texts.audience} as="p" />
      <h2>{t('concern.documents')}</h2>
      {texts.documents && documents.length > 0 ? (
        <ul class="checklist" {...langAttributes(ctx, texts.documents.lang)}>
          {documents.map((doc) => (
            <li key={doc}>{doc}</li>
          ))}
        </ul>
      ) : (
        <p>{t('concern.noDocuments')}</p>
      )}
      <h2>{t('concern.fee')}</h2>
      <Text ctx={ctx} value={texts.fee} as="p" />
      <h2>{t('concern.duration')}</h2>
      <Text ctx={ctx} value={texts.duration} as="p" />
      <h2>{t('concern.where')}</h2>
      {offices.length === 0 ? (
        <p>{t('concern.noOffice')}</p>
      ) : (
        <ul>
          {offices.map((office) => (
            <li key={office.id}>
              <a href={href(ctx, `/offices/${office.id}`)}>
                <Text ctx={ctx} value={office.texts.name} />
              </a>
              {', '}
              {office.street}, {office.postalCode} {office.city}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('concern.legalBasis')}</h2>
      <Text ctx={ctx} value={texts.legal_basis_note} as="p" />
      <p>
        <bdi lang="de">{concern.legalBasis}</bdi>
      </p>
      {concern.leikaKey && <p class="meta">{t('concern.leikaKey', { key: concern.leikaKey })}</p>}
    </>
  );
}
