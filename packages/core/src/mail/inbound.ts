/**
 * Inbound e-mail: what a message that reached Worklane becomes.
 *
 * - A reply to a case: the subject names the case's number (`C-000123`, as the case notifications
 *   do) and the sender is that case's customer: a customer comment on the case (which also puts a
 *   case waiting for the customer back to work). A closed case takes none.
 * - Otherwise, mail to a worktype's mailbox: a task of that worktype.
 * - Automatic mail (bounces, out-of-office, mailing lists) is dropped, so two robots never answer
 *   each other for ever; anything else no mailbox takes is kept as unrouted, for an administrator.
 */
export interface InboundMail {
  /** Envelope sender (MAIL FROM); empty for bounces. */
  envelopeFrom: string | null;
  /** From header address. */
  from: string | null;
  /** Envelope recipients (RCPT TO), else the To and Cc headers. */
  recipients: string[];
  subject: string;
  /** Header names lower-cased; only those the decision reads are needed. */
  headers: Readonly<Record<string, string>>;
}

export interface Mailbox {
  address: string;
  worktype: string;
}

/** The case the subject names, as the shell found it (null: none named, or no such case). */
export interface NamedCase {
  number: string;
  customerEmail: string | null;
  closed: boolean;
}

export type MailDecision =
  | { kind: 'case-reply'; caseNumber: string }
  | { kind: 'task'; worktype: string; mailbox: string; note?: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unrouted'; reason: string };

const CASE_NUMBER = /\b(C-\d{6,})\b/i;

/** The case number a subject names ("Re: Your request C-000123 is being handled"). */
export function caseNumberIn(subject: string): string | null {
  const m = CASE_NUMBER.exec(subject);
  return m ? m[1]!.toUpperCase() : null;
}

/** Lower-cased, with a `+tag` dropped: support+orders@acme.example is support@acme.example. */
export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase().replace(/^<|>$/g, '');
  const at = a.lastIndexOf('@');
  if (at < 0) return a;
  const local = a.slice(0, at);
  const plus = local.indexOf('+');
  return (plus > 0 ? local.slice(0, plus) : local) + a.slice(at);
}

/** Mail sent by a program, which must not start work or be answered (RFC 3834, bounces, lists). */
export function automaticReason(mail: InboundMail): string | null {
  const h = mail.headers;
  const auto = h['auto-submitted']?.trim().toLowerCase();
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`;
  if (mail.envelopeFrom !== null && mail.envelopeFrom.trim() === '') return 'a bounce (empty envelope sender)';
  const from = (mail.from ?? '').toLowerCase();
  if (/^(mailer-daemon|postmaster)@/.test(from)) return `from ${from}`;
  const precedence = h['precedence']?.trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list') return `Precedence: ${precedence}`;
  if (h['x-autoreply'] || h['x-autorespond']) return 'an auto-reply';
  if (h['list-id']) return 'a mailing list';
  return null;
}

/** What the message becomes; `named` is the case its subject names, looked up by the shell. */
export function mailDecision(mail: InboundMail, mailboxes: readonly Mailbox[], named: NamedCase | null): MailDecision {
  const automatic = automaticReason(mail);
  if (automatic) return { kind: 'ignored', reason: `automatic mail: ${automatic}` };
  const sender = mail.from ? normalizeAddress(mail.from) : null;
  const isCustomer = named !== null && !!sender && !!named.customerEmail && normalizeAddress(named.customerEmail) === sender;
  if (named && isCustomer && !named.closed) return { kind: 'case-reply', caseNumber: named.number };
  const to = new Set(mail.recipients.map(normalizeAddress));
  const box = mailboxes.find((m) => to.has(normalizeAddress(m.address)));
  const why = !named ? undefined : !isCustomer ? `names ${named.number} but is not from its customer` : `names ${named.number}, which is closed`;
  if (box) return { kind: 'task', worktype: box.worktype, mailbox: normalizeAddress(box.address), ...(why ? { note: why } : {}) };
  return { kind: 'unrouted', reason: `no mailbox for ${[...to].join(', ') || 'any recipient'}${why ? `; it ${why}` : ''}` };
}

const QUOTE_START = [/^On .{1,300}wrote:$/i, /^-{2,} ?Original Message ?-{2,}$/i, /^_{10,}$/, /^Le .{1,300}a écrit ?:$/i, /^Am .{1,300}schrieb .{1,200}:$/i];

/** The new part of a reply: the quoted message under it ("On … wrote:", "> " lines) is cut off. */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((l) => QUOTE_START.some((re) => re.test(l.trim())));
  const kept = start >= 0 ? lines.slice(0, start) : lines;
  while (kept.length && (kept[kept.length - 1]!.trim() === '' || kept[kept.length - 1]!.startsWith('>'))) kept.pop();
  return kept.join('\n').trim() || text.trim();
}

/**
 * The Message-IDs a message answers (In-Reply-To first, then References from the newest), without
 * angle brackets, each once: what ties a follow-up to the conversation it continues.
 */
export function referencedIds(inReplyTo: string | string[] | undefined, references: string | string[] | undefined): string[] {
  const ids = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []).flatMap((x) => x.match(/<[^<>\s]+>|[^<>\s,]+@[^<>\s,]+/g) ?? []).map((x) => x.replace(/^<|>$/g, ''));
  return [...new Set([...ids(inReplyTo), ...ids(references).reverse()])].slice(0, 50);
}

/** Our own outgoing mail is `<wl-notification-N@worklane>`: the notification it was (null: not ours). */
export function notificationOf(messageId: string): number | null {
  const m = /^wl-notification-(\d{1,15})@worklane$/.exec(messageId);
  return m ? Number(m[1]) : null;
}
