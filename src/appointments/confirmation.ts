import QRCode from 'qrcode';
import { documentList } from '../concerns/service.ts';
import { resolveTexts } from '../platform/i18n/content.ts';
import { getLanguage } from '../platform/i18n/languages.ts';
import { createTranslator } from '../platform/i18n/messages.ts';
import type { OutgoingMail } from '../platform/mail/outbox.ts';
import { formatClock, formatDate } from '../platform/ui/format.ts';
import { appointmentCalendar } from './ics.ts';
import type { Booking, PersonDetails, SlotFacts } from './bookings.repository.ts';
import type { AppointmentView } from './views/booking-summary.tsx';

// What a booking looks like to the person: the page, the calendar file and the mail,
// all from the same facts (concern, office, local time, what to bring).

export type AppointmentFacts = {
  view: AppointmentView;
  documents: { lang: string | undefined; items: string[] };
  concernTitle: string;
  officeName: string;
};

/** What the page, the calendar entry and the mail show, from one query's facts. */
export function appointmentFacts(
  slot: SlotFacts,
  person: PersonDetails,
  timeZone: string,
  lang: string,
): AppointmentFacts {
  const concern = resolveTexts(slot.concernTexts, ['title', 'documents'], lang).texts;
  const office = resolveTexts(slot.officeTexts, ['name'], lang).texts;
  const officeAddress = `${slot.street}, ${slot.postalCode} ${slot.city}`;
  return {
    view: {
      ...person,
      concernTitle: concern.title,
      officeName: office.name,
      officeAddress,
      startsAt: slot.startsAt,
      timeZone,
    },
    documents: {
      lang:
        concern.documents && concern.documents.lang !== lang
          ? getLanguage(concern.documents.lang).tag
          : undefined,
      items: documentList(concern.documents),
    },
    concernTitle: concern.title?.text ?? slot.concernId,
    officeName: office.name?.text ?? slot.officeId,
  };
}

export function qrSvg(code: string): Promise<string> {
  return QRCode.toString(code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

/** What a confirmation needs of a booking, known before the booking is written. */
export type ConfirmedBooking = Pick<Booking, 'code' | 'startsAt' | 'endsAt'> & PersonDetails;

export function calendarFile(
  booking: Pick<Booking, 'code' | 'startsAt' | 'endsAt'>,
  facts: AppointmentFacts,
  manageUrl: string,
) {
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
  booking: ConfirmedBooking,
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
