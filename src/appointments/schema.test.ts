import { describe, expect, it } from 'vitest';
import { personFormSchema, personSchema } from './schema.ts';

// The one domain schema of a person's details, and the form's adapter to it: every rule
// as a case, with the message (a catalogue key) a reader gets.

/** What a reader sees: the first message of each field (as the forms and the API show it). */
const firstPerField = (issues: readonly { path: PropertyKey[]; message: string }[]) => {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[String(issue.path[0])] ??= issue.message;
  return fields;
};

const valid = {
  familyName: 'Haddad',
  givenNames: 'Rania',
  dateOfBirth: '1991-02-14',
  email: 'rania@example.org',
  phone: null,
  language: 'ar',
  interpreterLanguage: 'ar',
};

const messages = (input: Record<string, unknown>) => {
  const parsed = personSchema.safeParse({ ...valid, ...input });
  return parsed.success ? {} : firstPerField(parsed.error.issues);
};

describe('a person’s details', () => {
  it('takes a complete person and normalises empty contacts to none', () => {
    expect(personSchema.parse({ ...valid, phone: '' })).toEqual({ ...valid, phone: null });
  });

  it.each([
    [{ familyName: '' }, { familyName: 'booking.error.familyName' }],
    [{ givenNames: '   ' }, { givenNames: 'booking.error.givenNames' }],
    [{ familyName: 'Петренко' }, { familyName: 'booking.error.latinLetters' }],
    [{ familyName: 'حداد' }, { familyName: 'booking.error.latinLetters' }],
    [{ familyName: 'Müller-Lüdenscheidt' }, {}],
    [{ givenNames: "N'Golo Đorđe" }, {}],
    [{ dateOfBirth: '1991-02-30' }, { dateOfBirth: 'booking.error.dateOfBirth' }],
    [{ dateOfBirth: '14.02.1991' }, { dateOfBirth: 'booking.error.dateOfBirth' }],
    [{ dateOfBirth: '2099-01-01' }, { dateOfBirth: 'booking.error.dateOfBirthRange' }],
    [{ dateOfBirth: '1890-01-01' }, { dateOfBirth: 'booking.error.dateOfBirth' }],
    [{ email: 'nope' }, { email: 'booking.error.email' }],
    [{ email: null, phone: '+49 151 1234567' }, {}],
    [{ email: null, phone: '12' }, { phone: 'booking.error.phone' }],
    [{ email: null, phone: null }, { email: 'booking.error.contact' }],
    [{ language: 'xx' }, { language: 'booking.error.language' }],
    [
      { interpreterLanguage: 'klingon' },
      { interpreterLanguage: 'booking.error.interpreterLanguage' },
    ],
    [{ interpreterLanguage: null }, {}],
  ])('%j → %j', (input, expected) => {
    expect(messages(input)).toEqual(expected);
  });

  it('refuses a date of birth more than 120 years ago', () => {
    const year = new Date().getUTCFullYear() - 121;
    expect(messages({ dateOfBirth: `${year}-06-01` })).toEqual({
      dateOfBirth: 'booking.error.dateOfBirthRange',
    });
  });
});

describe('the details form, through its adapter', () => {
  const form = {
    familyName: 'Haddad',
    givenNames: 'Rania',
    dobDay: '14',
    dobMonth: '2',
    dobYear: '1991',
    email: 'rania@example.org',
    phone: '',
    language: 'ar',
    interpreter: 'yes',
    interpreterLanguage: 'ar',
  };
  const formMessages = (input: Record<string, unknown>) => {
    const parsed = personFormSchema.safeParse({ ...form, ...input });
    return parsed.success ? {} : firstPerField(parsed.error.issues);
  };

  it('turns day, month and year into the date, and "yes" into the interpreter language', () => {
    expect(personFormSchema.parse(form)).toEqual(valid);
  });

  it('ignores the language of an interpreter when none is wanted', () => {
    expect(personFormSchema.parse({ ...form, interpreter: 'no' }).interpreterLanguage).toBeNull();
  });

  it('shows the date’s message on the day field, and asks the yes/no question', () => {
    expect(formMessages({ dobMonth: '13', interpreter: undefined })).toEqual({
      dobDay: 'booking.error.dateOfBirth',
      interpreter: 'booking.error.interpreter',
    });
  });

  it('wants the language when an interpreter is wanted', () => {
    expect(formMessages({ interpreterLanguage: '' })).toEqual({
      interpreterLanguage: 'booking.error.interpreterLanguage',
    });
  });

  it('takes the first of a repeated field and treats a missing field as empty', () => {
    expect(
      personFormSchema.parse({ ...form, familyName: ['Haddad', 'Other'], phone: undefined }),
    ).toEqual(valid);
  });
});
