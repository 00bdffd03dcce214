import { describe, expect, it } from 'vitest';
import type { FormField } from '../../src/api/types';
import { emptyValues, fieldError, filesOf, formatBytes, serverFieldErrors, toFields, validateValues } from '../../src/forms/values';

const FIELDS: FormField[] = [
  { name: 'email', label: 'E-mail', type: 'email', required: true, messages: { required: 'We need your e-mail' } },
  { name: 'serial', label: 'Serial', type: 'text', pattern: '[A-Z0-9]{6,20}', messages: { pattern: 'Capitals and digits' } },
  { name: 'amount', label: 'Amount', type: 'number', min: 0, max: 100 },
  { name: 'since', label: 'Since', type: 'date', min: '2015-01-01' },
  { name: 'product', label: 'Product', type: 'select', required: true, options: [{ value: 'router', label: 'Router' }] },
  { name: 'defects', label: 'Defects', type: 'multiselect', min: 1, options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
  { name: 'consent', label: 'Consent', type: 'checkbox', required: true },
  { name: 'photos', label: 'Photos', type: 'file', accept: ['image/*'], maxFiles: 2, maxSize: 1000 },
];

const file = (name: string, type: string, size: number) => new File([new Uint8Array(size)], name, { type });

describe('case form values', () => {
  it('reports every field at once, with the form’s own messages and the server’s wording', () => {
    const v = { ...emptyValues(FIELDS), serial: 'abc', amount: '101', since: '2014-12-31', consent: false };
    expect(validateValues(FIELDS, v)).toEqual({
      email: 'We need your e-mail',
      serial: 'Capitals and digits',
      amount: 'must be at most 100',
      since: 'must be on or after 2015-01-01',
      product: 'is required',
      consent: 'must be checked',
    });
    // Like the server: an empty optional field is not checked further (min 1 applies once something is chosen).
    expect(fieldError(FIELDS.find((f) => f.name === 'defects')!, [])).toBeNull();
  });

  it('accepts a good submission and turns it into the JSON fields (numbers as numbers, files apart)', () => {
    const photo = file('a.png', 'image/png', 10);
    const v = { ...emptyValues(FIELDS), email: ' eve@example.com ', serial: 'AB1234', amount: '12.5', product: 'router', defects: ['a'], consent: true, photos: [photo] };
    expect(validateValues(FIELDS, v)).toEqual({});
    expect(toFields(FIELDS, v)).toEqual({ email: 'eve@example.com', serial: 'AB1234', amount: 12.5, product: 'router', defects: ['a'], consent: true });
    expect(filesOf(FIELDS, v)).toEqual([['photos', photo]]);
  });

  it('checks files by count, type and size', () => {
    const f = FIELDS.find((x) => x.name === 'photos')!;
    expect(fieldError(f, [file('a.png', 'image/png', 1), file('b.png', 'image/png', 1), file('c.png', 'image/png', 1)])).toBe('at most 2 files');
    expect(fieldError(f, [file('a.pdf', 'application/pdf', 1)])).toBe('"a.pdf" is application/pdf; accepted: image/*');
    expect(fieldError(f, [file('a.png', 'image/png', 2000)])).toMatch(/larger than/);
    expect(fieldError(f, [file('a.bin', '', 10)])).toBeNull(); // no type known: the server decides from the bytes
  });

  it('puts the server’s problem details next to their fields', () => {
    const out = serverFieldErrors(
      [
        { pointer: '/fields/photos', message: '"x.png" is text/plain; accepted: image/*' },
        { pointer: '/fields/email', message: 'is required' },
        { pointer: '/customer/id', message: 'unknown customer' },
      ],
      FIELDS,
    );
    expect(out.byField).toEqual({ photos: '"x.png" is text/plain; accepted: image/*', email: 'is required' });
    expect(out.rest).toEqual(['/customer/id: unknown customer']);
  });

  it('formats sizes', () => {
    expect(formatBytes(500)).toBe('500 B');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});
