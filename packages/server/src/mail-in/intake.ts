import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely, type Selectable } from 'kysely';
import { simpleParser, type ParsedMail } from 'mailparser';
import { caseNumberIn, isFinal, mailDecision, normalizeAddress, referencedIds, replyText, type Mailbox, type MailDecision, type NamedCase, type TaskState } from '@worklane/core';
import { json, type DB, type InboundMailTable } from '../db/schema.js';
import type { Services } from '../services.js';
import { PassLoop } from '../webhooks/pass-loop.js';
import { retryDelay } from '../webhooks/options.js';
import { Problem } from '../http/problems.js';
import { captureTask } from '../tasks/capture.js';
import { customerReply } from '../portal/reply.js';
import { findByEmail } from '../customers/store.js';
import { Readable } from 'node:stream';
import { attachmentsDir, discard, stage, typeAccepted, type StagedFile } from '../attachments/files.js';
import type { MailInOptions } from './options.js';
import { startSmtp, type SmtpIntake } from './smtp.js';
import { receiveMail, type Envelope } from './store.js';
import { followUp, threadTask } from './thread.js';

type Row = Selectable<InboundMailTable>;
/** PostgreSQL text takes no NUL character, and mail may carry one: dropped, with the ends trimmed. */
const clean = (s: string): string => s.replaceAll('\u0000', '').trim();
const AT_ONCE = 8;
const LEASE = '2 minutes';
/** A message that keeps failing for a reason outside it (the database) is given up after this many tries. */
const MAX_ATTEMPTS = 8;
/** 5 s, 30 s, 2 min, 10 min, then every 30 min (±20 %). */
const BACKOFF = { backoffMs: [5_000, 30_000, 120_000, 600_000, 1_800_000], jitter: 0.2 };
/** Headers the decision reads (automatic mail). */
const HEADERS = ['auto-submitted', 'precedence', 'x-autoreply', 'x-autorespond', 'list-id'];

/** Mail addresses that take work: the worktypes' mailboxes. */
export const mailboxesOf = (s: Services): Mailbox[] =>
  [...s.config.snapshot.worktypes.values()].flatMap((w) => (w.mailbox ? [{ address: w.mailbox, worktype: w.id }] : []));

/**
 * Turns stored messages into work, in the order received, one process at a time per message
 * (claimed with a lease). What a message becomes is core's `mailDecision`; a message the
 * configuration refuses (the worktype's attribute schema, say) is `failed` with the reason until
 * an administrator retries it; a failure of the database is retried with backoff.
 */
export class MailIntake {
  private readonly loop: PassLoop;
  private s: Services | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly log: FastifyBaseLogger,
    readonly options: MailInOptions,
  ) {
    this.loop = new PassLoop(() => this.pass(), options.pollMs, (err) => this.log.error({ err }, 'inbound mail pass failed; retrying at the next poll'));
  }

  /** The SMTP listener, when WORKLANE_INBOUND_SMTP_PORT is set. */
  smtp: SmtpIntake | undefined;

  async start(s: Services): Promise<void> {
    this.s = s;
    this.loop.start();
    const o = this.options;
    if (o.smtpPort !== null) this.smtp = await startSmtp({ port: o.smtpPort, host: o.smtpHost, maxBytes: o.maxBytes }, (rcpt) => this.accepts(rcpt), (raw, env) => this.receive(raw, env, 'smtp').then(() => undefined), this.log);
  }

  async stop(): Promise<void> {
    await this.smtp?.close();
    await this.loop.stop();
  }

  /** Addresses mail is taken for: the mailboxes, and the notifications' sender (customers reply to it). */
  accepts(recipient: string): boolean {
    const s = this.s!;
    const to = normalizeAddress(recipient);
    const replyTo = /<([^>]+)>/.exec(s.notifications.options.mailFrom)?.[1] ?? s.notifications.options.mailFrom;
    return normalizeAddress(replyTo) === to || mailboxesOf(s).some((m) => normalizeAddress(m.address) === to);
  }

  /** Stores a message (committed before this resolves), then looks at it. */
  async receive(raw: Buffer, envelope: Envelope, via: 'smtp' | 'http'): Promise<{ id: string; duplicate: boolean }> {
    const stored = await receiveMail(this.db, raw, envelope, via);
    this.kick();
    return stored;
  }

  /** A message was stored: look now. */
  kick(): void {
    this.loop.wake(0);
  }

  /** Resolves when no pass is running or due at once (tests). */
  async idle(): Promise<void> {
    while (this.loop.busy) await new Promise((r) => setTimeout(r, 10));
  }

  private async pass(): Promise<void> {
    const rows = await sql<Row>`
      update inbound_mail set attempts = attempts + 1, next_at = now() + ${sql.lit(LEASE)}::interval
      where id in (
        select id from inbound_mail where state = 'new' and (next_at is null or next_at <= now())
        order by received_at, id limit ${AT_ONCE} for update skip locked)
      returning *`.execute(this.db);
    const claimed = rows.rows.sort((a, b) => +new Date(a.received_at) - +new Date(b.received_at) || a.id.localeCompare(b.id));
    for (const row of claimed) await this.handle(row);
    if (claimed.length === AT_ONCE) this.loop.more();
  }

  private async handle(row: Row): Promise<void> {
    let parsed: ParsedMail | undefined;
    try {
      parsed = await simpleParser(Buffer.from(row.raw), { skipImageLinks: true, skipTextToHtml: true });
      const outcome = await this.act(row, parsed);
      await this.finish(row, parsed, outcome.state, outcome.data, null);
    } catch (err) {
      if (err instanceof Problem && err.status < 500) {
        const detail = [err.detail, ...(err.errors ?? []).map((e) => `${e.pointer}: ${e.message}`)].join('; ');
        return this.finish(row, parsed, 'failed', null, detail);
      }
      const last = row.attempts >= MAX_ATTEMPTS;
      this.log.warn({ err, mail: row.id, attempt: row.attempts }, last ? 'inbound mail given up' : 'inbound mail failed; retrying');
      await this.db
        .updateTable('inbound_mail')
        .set({ error: (err as Error).message.slice(0, 2000), ...(last ? { state: 'failed', processed_at: new Date() } : { next_at: new Date(Date.now() + retryDelay(BACKOFF, row.attempts)) }) })
        .where('id', '=', row.id)
        .execute();
      if (!last) this.loop.wake(retryDelay(BACKOFF, row.attempts));
    }
  }

  private async act(row: Row, mail: ParsedMail): Promise<{ state: string; data: Record<string, unknown> }> {
    const s = this.s!;
    const from = mail.from?.value[0]?.address?.toLowerCase() ?? null;
    const fromName = mail.from?.value[0]?.name || null;
    const headerRecipients = [mail.to, mail.cc].flatMap((a) => (a ? (Array.isArray(a) ? a : [a]) : [])).flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);
    const headers: Record<string, string> = {};
    for (const h of mail.headerLines) if (HEADERS.includes(h.key)) headers[h.key] = h.line.slice(h.line.indexOf(':') + 1).trim();
    const subject = clean(mail.subject ?? '');
    const named = await this.namedCase(caseNumberIn(subject));
    let decision: MailDecision = mailDecision(
      { envelopeFrom: row.envelope_from, from, recipients: row.recipients.length ? row.recipients : headerRecipients, subject, headers },
      mailboxesOf(s),
      named?.case ?? null,
    );
    const text = clean(mail.text ?? '');
    if (decision.kind === 'case-reply') {
      const c = named!;
      const who = { id: c.customerId!, name: c.customerName ?? from ?? 'Customer', firstName: null, email: from };
      const dir = attachmentsDir();
      const { files, skipped } = await this.stageFiles(mail, dir, s.config.snapshot.caseTypes.get(c.caseType)?.attachments);
      try {
        const comment = replyText(text) || (files.length ? '' : '(an e-mail without text)');
        const out = await customerReply(s, who, c.id, { ...(comment ? { comment: comment.slice(0, 20_000) } : {}), files, filesDir: dir });
        return { state: 'done', data: { kind: 'case-reply', caseId: c.id, caseNumber: decision.caseNumber, commentId: out.comment?.id ?? null, files: out.files.length, ...(skipped.length ? { skipped } : {}) } };
      } finally {
        await discard(files); // the kept ones were moved away already
      }
    }
    // A message continuing one of our mail conversations (it answers our reply, or the first mail):
    // whatever address it went to, it belongs to that task while the task is open.
    let follows: string | null = null;
    if (decision.kind === 'task' || decision.kind === 'unrouted') {
      const thread = await threadTask(s.db, referencedIds(mail.inReplyTo, mail.references));
      if (thread && !isFinal(thread.state as TaskState)) {
        await followUp(s, thread, { from, fromName, subject, text: replyText(text) || text, inboundMailId: row.id });
        return { state: 'done', data: { kind: 'follow-up', taskId: thread.id } };
      }
      if (thread) {
        // Its task is finished: new work of the same kind, saying what it follows.
        follows = thread.id;
        if (decision.kind === 'unrouted') decision = { kind: 'task', worktype: thread.worktype, mailbox: String((thread.attributes as Record<string, unknown>).mailbox ?? '') };
      }
    }
    if (decision.kind === 'task') {
      const customer = from ? await findByEmail(s.db, from) : undefined;
      const { task, created } = await captureTask(s.db, s.config, {
        worktype: decision.worktype,
        source: 'email',
        externalId: row.message_id ?? `mail:${row.id}`,
        title: subject.slice(0, 500) || '(no subject)',
        ...(text ? { description: text.slice(0, 20_000) } : {}),
        attributes: { from, fromName, mailbox: decision.mailbox, ...(decision.note ? { note: decision.note } : {}), ...(follows ? { follows } : {}) },
        ...(customer ? { customerId: customer.id } : {}),
      }, { actor: 'system:mail', idempotency: null });
      if (created) {
        s.dispatcher.track(task);
        s.expiry.arm(task.expires_at);
        s.metrics.tasksCaptured.inc({ created: 'true' });
      }
      return { state: 'done', data: { kind: 'task', taskId: task.id, worktype: decision.worktype, ...(decision.note ? { note: decision.note } : {}) } };
    }
    return { state: decision.kind, data: { kind: decision.kind, reason: decision.reason } };
  }

  /**
   * The message's attached files, staged, that the case type accepts (its types and size); the
   * others are listed with the reason. Images embedded in an HTML body are not attachments.
   */
  private async stageFiles(mail: ParsedMail, dir: string, rules: { maxSize: number; accept: string[] } | undefined): Promise<{ files: StagedFile[]; skipped: string[] }> {
    const maxSize = rules?.maxSize ?? 10 * 1024 * 1024;
    const files: StagedFile[] = [];
    const skipped: string[] = [];
    try {
      for (const a of mail.attachments) {
        if (a.related) continue;
        const name = a.filename ?? 'attachment';
        if (a.size > maxSize) {
          skipped.push(`${name}: larger than ${maxSize} bytes`);
          continue;
        }
        const f = await stage(dir, null, name, Readable.from(a.content), maxSize);
        if (rules && !typeAccepted(rules.accept, f.contentType)) {
          skipped.push(`${f.name}: ${f.contentType} is not accepted`);
          await discard([f]);
        } else files.push(f);
      }
    } catch (err) {
      await discard(files);
      throw err;
    }
    return { files, skipped };
  }

  private async namedCase(number: string | null): Promise<{ id: string; caseType: string; customerId: string | null; customerName: string | null; case: NamedCase } | null> {
    if (!number) return null;
    const c = await this.db
      .selectFrom('cases')
      .leftJoin('customers', 'customers.id', 'cases.customer_id')
      .select(['cases.id', 'cases.number', 'cases.status', 'cases.case_type', 'cases.customer_id', 'customers.email', 'customers.name'])
      .where('cases.number', '=', number)
      .executeTakeFirst();
    if (!c) return null;
    return { id: c.id, caseType: c.case_type, customerId: c.customer_id, customerName: c.name, case: { number: c.number, customerEmail: c.email, closed: c.status === 'closed' } };
  }

  private async finish(row: Row, mail: ParsedMail | undefined, state: string, outcome: Record<string, unknown> | null, error: string | null): Promise<void> {
    await this.db
      .updateTable('inbound_mail')
      .set({
        state,
        outcome: outcome ? json(outcome) : null,
        error,
        next_at: null,
        processed_at: new Date(),
        from_address: mail?.from?.value[0]?.address?.toLowerCase() ?? null,
        subject: mail?.subject === undefined ? null : clean(mail.subject).slice(0, 500),
      })
      .where('id', '=', row.id)
      .execute();
    this.log.info({ mail: row.id, state, ...(outcome ?? {}), ...(error ? { error } : {}) }, 'inbound mail');
  }
}
