import { describe, expect, it } from 'vitest';
import { automaticReason, caseNumberIn, mailDecision, normalizeAddress, notificationOf, referencedIds, type InboundMail, type Mailbox } from '../../src/index.js';

const boxes: Mailbox[] = [
  { address: 'Billing@Acme.example', worktype: 'billing-mail' },
  { address: 'support@acme.example', worktype: 'support-mail' },
];
const mail = (over: Partial<InboundMail> = {}): InboundMail => ({
  envelopeFrom: 'jane@customer.example',
  from: 'jane@customer.example',
  recipients: ['support@acme.example'],
  subject: 'Hello',
  headers: {},
  ...over,
});

describe('inbound e-mail: what a message becomes', () => {
  it('finds the case number in a subject and normalizes addresses', () => {
    expect(caseNumberIn('Re: Your request c-000123 is being handled')).toBe('C-000123');
    expect(caseNumberIn('Order 123456')).toBeNull();
    expect(caseNumberIn('RE: C-1234567')).toBe('C-1234567');
    expect(normalizeAddress(' <Support+Orders@ACME.example> ')).toBe('support@acme.example');
  });

  it('a reply from the case customer goes to the case; from anyone else, or to a closed case, it is new work', () => {
    const named = { number: 'C-000123', customerEmail: 'Jane@Customer.example', closed: false };
    expect(mailDecision(mail({ subject: 'Re: C-000123' }), boxes, named)).toEqual({ kind: 'case-reply', caseNumber: 'C-000123' });
    expect(mailDecision(mail({ subject: 'Re: C-000123', from: 'mallory@evil.example' }), boxes, named)).toEqual({
      kind: 'task', worktype: 'support-mail', mailbox: 'support@acme.example', note: 'names C-000123 but is not from its customer',
    });
    expect(mailDecision(mail({ subject: 'Re: C-000123' }), boxes, { ...named, closed: true })).toMatchObject({ kind: 'task', note: 'names C-000123, which is closed' });
  });

  it('mail to a mailbox (any case, +tags) is a task of its worktype; to none, it is unrouted with the reason', () => {
    expect(mailDecision(mail({ recipients: ['billing+invoices@acme.example'] }), boxes, null)).toEqual({ kind: 'task', worktype: 'billing-mail', mailbox: 'billing@acme.example' });
    expect(mailDecision(mail({ recipients: ['sales@acme.example'] }), boxes, null)).toEqual({ kind: 'unrouted', reason: 'no mailbox for sales@acme.example' });
  });

  it('drops automatic mail: auto-replies, bounces, lists', () => {
    expect(automaticReason(mail({ headers: { 'auto-submitted': 'auto-replied' } }))).toBe('Auto-Submitted: auto-replied');
    expect(automaticReason(mail({ headers: { 'auto-submitted': 'no' } }))).toBeNull();
    expect(automaticReason(mail({ envelopeFrom: '' }))).toContain('bounce');
    expect(automaticReason(mail({ from: 'MAILER-DAEMON@mx.example' }))).toContain('mailer-daemon');
    expect(automaticReason(mail({ headers: { precedence: 'bulk' } }))).toBe('Precedence: bulk');
    expect(automaticReason(mail({ headers: { 'list-id': '<news.acme.example>' } }))).toBe('a mailing list');
    expect(mailDecision(mail({ headers: { 'x-autoreply': 'yes' }, subject: 'Out of office: C-000123' }), boxes, { number: 'C-000123', customerEmail: 'jane@customer.example', closed: false })).toEqual({
      kind: 'ignored', reason: 'automatic mail: an auto-reply',
    });
    // Sent over HTTP by a provider without an envelope: not a bounce.
    expect(automaticReason(mail({ envelopeFrom: null }))).toBeNull();
  });
});

describe('the new part of a reply', () => {
  it('cuts the quoted message off', async () => {
    const { replyText } = await import('../../src/index.js');
    expect(replyText('Here is the photo.\r\n\r\nOn Tue, 1 Dec 2026 at 10:00, Acme <no-reply@acme.example> wrote:\r\n> We received your request')).toBe('Here is the photo.');
    expect(replyText('Thanks!\n\n-----Original Message-----\nFrom: Acme')).toBe('Thanks!');
    expect(replyText('Yes\n> quoted\n> more\n')).toBe('Yes');
    // Nothing but a quote: keep it all rather than nothing.
    expect(replyText('> only a quote')).toBe('> only a quote');
  });
});

describe('inbound e-mail: what a follow-up continues', () => {
  it('reads In-Reply-To, then References newest first, each once, without brackets', () => {
    expect(referencedIds('<b@x.example>', '<a@x.example> <b@x.example>\r\n <wl-notification-7@worklane>')).toEqual(['b@x.example', 'wl-notification-7@worklane', 'a@x.example']);
    expect(referencedIds(undefined, ['<a@x>', '<c@x>'])).toEqual(['c@x', 'a@x']);
    expect(referencedIds(undefined, undefined)).toEqual([]);
  });

  it('knows its own outgoing mail by its Message-ID', () => {
    expect(notificationOf('wl-notification-42@worklane')).toBe(42);
    expect(notificationOf('wl-notification-42@worklane.evil')).toBeNull();
    expect(notificationOf('abc@mail.example')).toBeNull();
  });
});
