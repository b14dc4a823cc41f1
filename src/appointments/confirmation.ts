import QRCode from 'qrcode';
import { documentList, getConcern } from '../concerns/service.ts';
import { getOffice } from '../offices/service.ts';
import type { Db } from '../platform/db/database.ts';
import { getLanguage } from '../platform/i18n/languages.ts';
import { createTranslator } from '../platform/i18n/messages.ts';
import type { OutgoingMail } from '../platform/mail/outbox.ts';
import { formatClock, formatDate } from '../platform/ui/format.ts';
import { appointmentCalendar } from './ics.ts';
import type { Booking } from './repository.ts';
import type { AppointmentView } from './views/booking-summary.tsx';

// What a booking looks like to the person: the page, the calendar file and the mail,
// all from the same facts (concern, office, local time, what to bring).

export type AppointmentFacts = {
  view: AppointmentView;
  documents: { lang: string | undefined; items: string[] };
  concernTitle: string;
  officeName: string;
};

export async function appointmentFacts(
  db: Db,
  authority: { id: string; timeZone: string },
  booking: Pick<
    Booking,
    | 'concernId'
    | 'familyName'
    | 'givenNames'
    | 'dateOfBirth'
    | 'email'
    | 'phone'
    | 'language'
    | 'interpreterLanguage'
  > & {
    officeId: string;
    startsAt: Date;
  },
  lang: string,
): Promise<AppointmentFacts> {
  const [concern, office] = await Promise.all([
    getConcern(db, authority.id, booking.concernId, lang),
    getOffice(db, authority.id, booking.officeId, lang),
  ]);
  const officeAddress = office ? `${office.street}, ${office.postalCode} ${office.city}` : '';
  const documentsText = concern?.texts.documents;
  return {
    view: {
      concernTitle: concern?.texts.title,
      officeName: office?.texts.name,
      officeAddress,
      startsAt: booking.startsAt,
      timeZone: authority.timeZone,
      familyName: booking.familyName,
      givenNames: booking.givenNames,
      dateOfBirth: booking.dateOfBirth,
      email: booking.email,
      phone: booking.phone,
      language: booking.language,
      interpreterLanguage: booking.interpreterLanguage,
    },
    documents: {
      lang:
        documentsText && documentsText.lang !== lang
          ? getLanguage(documentsText.lang).tag
          : undefined,
      items: documentList(documentsText),
    },
    concernTitle: concern?.texts.title?.text ?? booking.concernId,
    officeName: office?.texts.name?.text ?? booking.officeId,
  };
}

export function qrSvg(code: string): Promise<string> {
  return QRCode.toString(code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

export function calendarFile(booking: Booking, facts: AppointmentFacts, manageUrl: string) {
  return appointmentCalendar({
    uid: `${booking.code}@welcome-center`,
    created: new Date(),
    start: booking.startsAt,
    end: booking.endsAt,
    timeZone: facts.view.timeZone,
    summary: facts.concernTitle,
    description: [`${booking.code}`, ...facts.documents.items.map((d) => `- ${d}`)].join('\n'),
    location: `${facts.officeName}, ${facts.view.officeAddress}`,
    url: manageUrl,
  });
}

/** The confirmation mail, in the language the person chose for messages. */
export function confirmationMail(
  booking: Booking,
  facts: AppointmentFacts,
  site: string,
  manageUrl: string,
): OutgoingMail | undefined {
  if (!booking.email) return undefined;
  const language = getLanguage(booking.language);
  const t = createTranslator(language.code);
  const date = formatDate(language.tag, booking.startsAt, facts.view.timeZone);
  const time = formatClock(language.tag, booking.startsAt, facts.view.timeZone);
  const body = [
    t('mail.greeting', { name: `${booking.givenNames} ${booking.familyName}` }),
    '',
    t('mail.intro', { site }),
    '',
    `${t('booking.yourCode')}: ${booking.code}`,
    `${t('booking.concern')}: ${facts.concernTitle}`,
    `${t('booking.date')}: ${date}`,
    `${t('booking.time')}: ${time}`,
    `${t('booking.office')}: ${facts.officeName}, ${facts.view.officeAddress}`,
    '',
    `${t('booking.whatToBring')}:`,
    ...facts.documents.items.map((item) => `- ${item}`),
    '',
    t('booking.cancelHow'),
    t('mail.manage', { url: manageUrl }),
    '',
    t('mail.closing', { site }),
  ].join('\n');
  return {
    recipient: booking.email,
    subject: t('mail.subject', { date, time }),
    body,
    attachments: [
      {
        filename: 'termin.ics',
        contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
        content: calendarFile(booking, facts, manageUrl),
      },
    ],
  };
}
