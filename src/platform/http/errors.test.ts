import { describe, expect, it } from 'vitest';
import { errorBody } from './error-pages.tsx';
import { AppError, toAppError } from './errors.ts';

// Thrown values become catalogue errors; the JSON body speaks the caller's language.

describe('toAppError', () => {
  it('turns a route schema failure into VALIDATION_FAILED with the first message per field', () => {
    const error = toAppError({
      statusCode: 400,
      validationContext: 'body',
      validation: [
        { instancePath: '/familyName', message: 'booking.error.latinLetters' },
        { instancePath: '/familyName', message: 'booking.error.familyName' },
        { instancePath: '/email', message: 'Invalid email address' },
        { instancePath: '', message: 'booking.error.contact' },
      ],
    });
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.fields).toEqual({
      familyName: 'booking.error.latinLetters',
      email: 'Invalid email address',
      body: 'booking.error.contact',
    });
  });

  it('maps framework statuses to codes and hides everything else as INTERNAL', () => {
    expect(toAppError({ statusCode: 413 }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toAppError({ statusCode: 418 }).code).toBe('BAD_REQUEST');
    expect(toAppError(new Error('secret detail')).code).toBe('INTERNAL');
  });
});

describe('errorBody', () => {
  it('translates the message and the field messages, and keeps other details as they are', () => {
    const error = new AppError(
      'VALIDATION_FAILED',
      { fields: { familyName: 'booking.error.latinLetters', email: 'Invalid email' }, maxDays: 31 },
      'booking.error.chooseDay',
    );
    const { error: body } = errorBody(error, 'req-1', 'de');
    expect(body).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Wählen Sie einen Tag aus.',
      reference: 'req-1',
      maxDays: 31,
      fields: {
        familyName: 'Schreiben Sie den Namen in lateinischen Buchstaben, wie in Ihrem Pass.',
        // A schema's own wording (not a catalogue key) reads as the generic text.
        email:
          'Bitte prüfen Sie die Adresse oder gehen Sie zurück und versuchen Sie es noch einmal.',
      },
    });
  });
});
