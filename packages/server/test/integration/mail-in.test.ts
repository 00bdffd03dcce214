import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { BACKENDS, Client, DEMO_KEY, applyConfig, startHarness, type Harness } from './harness.js';

// Inbound e-mail over a real SMTP conversation (nodemailer to the intake's listener) and over HTTP.
const CONFIG = {
  version: 1,
  queues: [{ id: 'mi-mail', name: 'MI mail', members: { users: [] }, distribution: 'pull' }],
  worktypes: [
    { id: 'mi-support', name: 'MI support mail', mediaType: 'email', defaultQueue: 'mi-mail', mailbox: 'support@acme.test' },
    { id: 'mi-billing', name: 'MI billing mail', mediaType: 'email', defaultQueue: 'mi-mail' },
  ],
};

// A 1×1 PNG, and the start of a Windows program (its magic number is enough for the type sniffer).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0')]);

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('inbound e-mail on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let smtp: Transporter;
  const intake = () => h.app.services.mailIn;
  const settle = async () => {
    for (let i = 0; i < 100; i++) {
      await intake().idle();
      const left = await h.app.services.db.selectFrom('inbound_mail').select('id').where('state', '=', 'new').executeTakeFirst();
      if (!left) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('inbound mail not processed');
  };
  const received = async () => (await admin.req('GET', '/api/v1/inbound-mail')).json.items as Json[];
  const send = (mail: SendMailOptions) => smtp.sendMail({ from: 'Jane Doe <jane@customer.test>', ...mail });

  // Where replies go out: the organization's mail server, a real SMTP server on loopback.
  const outbox: ParsedMail[] = [];
  const relay = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, onData: (stream, _s, cb) => void simpleParser(stream).then((m) => (outbox.push(m), cb()), cb) });
  const savedSmtp = process.env.WORKLANE_SMTP_URL;

  beforeAll(async () => {
    if (skip) return;
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    process.env.WORKLANE_SMTP_URL = `smtp://127.0.0.1:${(relay.server.address() as { port: number }).port}`;
    h = await startHarness(backend, { mailIn: { smtpPort: 0 } });
    admin = await applyConfig(h, CONFIG);
    smtp = nodemailer.createTransport({ host: '127.0.0.1', port: intake().smtp!.port, secure: false, ignoreTLS: true });
    expect((await admin.req('POST', '/api/v1/customers', { name: 'Jane Doe', email: 'jane@customer.test' })).status).toBe(201);
  });
  afterAll(async () => {
    smtp?.close();
    await h?.close();
    await new Promise((r) => relay.close(() => r(undefined)));
    if (savedSmtp === undefined) delete process.env.WORKLANE_SMTP_URL;
    else process.env.WORKLANE_SMTP_URL = savedSmtp;
  });

  it.skipIf(skip)('a message to a mailbox becomes a task of its worktype, linked to the customer; delivered twice, it is one task', async () => {
    const info = await send({ to: 'Support+urgent@Acme.test', subject: 'My invoice is wrong', text: 'Hello,\nthe amount on invoice 42 is wrong.', messageId: '<inv-42@customer.test>' });
    expect(info.accepted).toEqual(['Support+urgent@acme.test']);
    await settle();
    const [m] = await received();
    expect(m).toMatchObject({ via: 'smtp', state: 'done', from: 'jane@customer.test', subject: 'My invoice is wrong', envelopeFrom: 'jane@customer.test', messageId: 'inv-42@customer.test' });
    const task = (await admin.req('GET', `/api/v1/tasks/${m.outcome.taskId}`)).json;
    const jane = (await admin.req('GET', '/api/v1/customers?q=jane@customer.test')).json.items[0];
    expect(task).toMatchObject({
      worktype: 'mi-support', queue: 'mi-mail', source: 'email', externalId: 'inv-42@customer.test', title: 'My invoice is wrong',
      description: 'Hello,\nthe amount on invoice 42 is wrong.', customerId: jane.id,
      attributes: { from: 'jane@customer.test', fromName: 'Jane Doe', mailbox: 'support@acme.test' },
    });
    // The sending server did not hear our answer and sends it again: stored once, one task.
    await send({ to: 'support@acme.test', subject: 'My invoice is wrong', text: 'again', messageId: '<inv-42@customer.test>' });
    await settle();
    expect((await received()).filter((x) => x.messageId === 'inv-42@customer.test')).toHaveLength(1);
    const tasks = (await admin.req('GET', '/api/v1/tasks?worktype=mi-support&limit=500')).json.items as Json[];
    expect(tasks.filter((t) => t.externalId === 'inv-42@customer.test')).toHaveLength(1);
  });

  it.skipIf(skip)('refuses recipients no mailbox takes at RCPT, and drops automatic mail without starting work', async () => {
    const before = (await received()).length;
    await expect(send({ to: 'nobody@acme.test', subject: 'Hi', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    expect((await received()).length).toBe(before);
    expect((await admin.req('GET', '/api/v1/inbound-mail?limit=1')).json.items).toHaveLength(1);
    expect((await admin.req('GET', '/api/v1/inbound-mail?limit=x')).status).toBe(400);
    await send({ to: 'support@acme.test', subject: 'Out of office', text: 'I am away', headers: { 'Auto-Submitted': 'auto-replied' } });
    await settle();
    const [m] = await received();
    expect(m).toMatchObject({ state: 'ignored', outcome: { kind: 'ignored', reason: 'automatic mail: Auto-Submitted: auto-replied' } });
    const tasks = (await admin.req('GET', '/api/v1/tasks?worktype=mi-support&limit=500')).json.items as Json[];
    expect(tasks.some((t) => t.title === 'Out of office')).toBe(false);
  });

  it.skipIf(skip)("a customer's reply to a case notification is a comment on the case (without the quote), and puts a waiting case back to work", async () => {
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const made = await sam.req('POST', '/api/v1/cases', {
      caseType: 'technical',
      fields: { email: 'jane@customer.test', name: 'Jane Doe', product: 'router', subject: 'Router reboots', description: 'Every ten minutes.', consent: true },
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const c = made.json;
    expect((await sam.req('PATCH', `/api/v1/cases/${c.id}`, { status: 'waiting-for-customer' })).status).toBe(200);
    // To the notifications' sender (what a reply goes to), subject as the notification had it.
    await send({
      to: 'no-reply@worklane.local',
      subject: `Re: Your request ${c.number} is being handled`,
      text: `It still reboots, serial 77.\n\nOn Mon, Acme wrote:\n> Your request ${c.number} is being handled`,
      // A photo the case type takes, and a program it does not.
      attachments: [{ filename: 'router.png', content: PNG }, { filename: 'fix.exe', content: EXE }],
    });
    await settle();
    const [m] = await received();
    expect(m).toMatchObject({ state: 'done', outcome: { kind: 'case-reply', caseId: c.id, caseNumber: c.number, files: 1, skipped: [expect.stringMatching(/^fix\.exe: \S+ is not accepted$/)] } });
    const files = await h.app.services.db.selectFrom('attachments').select(['name', 'content_type', 'uploaded_by']).where('case_id', '=', c.id).execute();
    expect(files).toEqual([{ name: 'router.png', content_type: 'image/png', uploaded_by: `customer:${c.customerId}` }]);
    const comments = await h.app.services.db.selectFrom('case_comments').select(['body', 'author', 'visibility']).where('case_id', '=', c.id).execute();
    expect(comments).toEqual([{ body: 'It still reboots, serial 77.', author: `customer:${c.customerId}`, visibility: 'customer' }]);
    expect((await sam.req('GET', `/api/v1/cases/${c.id}`)).json.status).toBe('in-progress');
    // Someone else naming the case does not write on it: the reply address takes no new work, so it stays unrouted.
    await send({ from: 'mallory@evil.test', to: 'no-reply@worklane.local', subject: `Re: ${c.number}`, text: 'close it' });
    await settle();
    const [other] = await received();
    expect(other).toMatchObject({ state: 'unrouted', outcome: { reason: expect.stringContaining(`names ${c.number} but is not from its customer`) } });
    expect(await h.app.services.db.selectFrom('case_comments').select('id').where('case_id', '=', c.id).execute()).toHaveLength(1);
  });

  it.skipIf(skip)('over HTTP: an unrouted message waits for the configuration, then a retry makes it a task', async () => {
    const raw = ['From: Bill Payer <bill@customer.test>', 'To: billing@acme.test', 'Subject: Refund please', 'Message-ID: <refund-1@customer.test>', 'Content-Type: text/plain; charset=utf-8', '', 'Please refund order 7.', ''].join('\r\n');
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${h.base}/api/v1/inbound/email`, { method: 'POST', headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'message/rfc822', ...headers }, body });
    const res = await post(raw);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await post('', { 'content-type': 'message/rfc822' })).status).toBe(400);
    await settle();
    expect((await admin.req('GET', '/api/v1/inbound-mail?state=unrouted')).json.items[0]).toMatchObject({ id, via: 'http', outcome: { reason: 'no mailbox for billing@acme.test' } });
    expect((await admin.req('POST', `/api/v1/inbound-mail/${id}/retry`)).status).toBe(200);
    await settle();
    expect((await admin.req('GET', '/api/v1/inbound-mail?state=unrouted')).json.items.map((x: Json) => x.id)).toContain(id); // still no mailbox
    // The administrator gives the billing worktype its mailbox; the retry takes it.
    expect((await admin.req('PATCH', '/api/v1/worktypes/mi-billing', { mailbox: 'billing@acme.test' })).status).toBe(200);
    expect((await admin.req('POST', `/api/v1/inbound-mail/${id}/retry`)).status).toBe(200);
    expect((await admin.req('POST', `/api/v1/inbound-mail/${id}/retry`)).status).toBe(409); // already under way
    await settle();
    const m = (await received()).find((x) => x.id === id);
    expect(m).toMatchObject({ state: 'done', outcome: { kind: 'task', worktype: 'mi-billing' } });
    expect((await admin.req('GET', `/api/v1/tasks/${m.outcome.taskId}`)).json).toMatchObject({ title: 'Refund please', description: 'Please refund order 7.', attributes: { from: 'bill@customer.test' } });
    // The worktype now wants an order number mail cannot give: the message fails, saying why, and waits for a retry.
    expect((await admin.req('PATCH', '/api/v1/worktypes/mi-billing', { attributeSchema: { type: 'object', required: ['orderId'] } })).status).toBe(200);
    const again = await post(raw.replace('refund-1@', 'refund-2@'));
    const failedId = ((await again.json()) as { id: string }).id;
    await settle();
    const failed = (await admin.req('GET', '/api/v1/inbound-mail?state=failed')).json.items[0];
    expect(failed).toMatchObject({ id: failedId, error: expect.stringContaining('orderId') });
    // A NUL character (which PostgreSQL text refuses) does not keep a message from becoming work.
    expect((await admin.req('PATCH', '/api/v1/worktypes/mi-billing', { attributeSchema: { type: 'object' } })).status).toBe(200);
    const nul = await post(raw.replace('refund-1@', 'refund-3@').replace('Subject: Refund please', 'Subject: Refund\u0000 now').replace('Please refund order 7.', 'Order\u0000 7'));
    const nulId = ((await nul.json()) as { id: string }).id;
    await settle();
    const nulMail = (await received()).find((x) => x.id === nulId);
    expect(nulMail).toMatchObject({ state: 'done', subject: 'Refund now' });
    expect((await admin.req('GET', `/api/v1/tasks/${nulMail.outcome.taskId}`)).json).toMatchObject({ title: 'Refund now', description: 'Order 7' });
    // A second worktype may not take the same mailbox.
    const dup = await admin.req('POST', '/api/v1/config/import?apply=true', { version: 1, worktypes: [{ ...CONFIG.worktypes[0], mailbox: 'support@acme.test' }, { ...CONFIG.worktypes[1], mailbox: 'SUPPORT@acme.test' }] });
    expect(dup.status).toBe(400);
    expect(JSON.stringify(dup.json)).toContain('/worktypes/1/mailbox');
  });

  it.skipIf(skip)('the agent answers a mail task from Worklane: it goes to the sender over SMTP, and the task says so', async () => {
    await send({ to: 'support@acme.test', subject: 'Where is my parcel?', text: 'Order 55 has not arrived.', messageId: '<parcel-55@customer.test>' });
    await settle();
    const taskId = (await received()).find((x) => x.messageId === 'parcel-55@customer.test').outcome.taskId;
    const r = await admin.req('POST', `/api/v1/tasks/${taskId}/reply`, { body: 'It left our warehouse today; you will have it tomorrow.' });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect(r.json).toMatchObject({ to: 'jane@customer.test', subject: 'Re: Where is my parcel?', state: 'pending' });
    for (let i = 0; i < 200 && !outbox.some((m) => m.subject === 'Re: Where is my parcel?'); i++) await new Promise((res) => setTimeout(res, 25));
    const out = outbox.find((m) => m.subject === 'Re: Where is my parcel?')!;
    expect(out.to).toMatchObject({ value: [{ address: 'jane@customer.test' }] });
    expect(out.text?.trim()).toBe('It left our warehouse today; you will have it tomorrow.');
    let replies: Json[] = [];
    for (let i = 0; i < 100; i++) {
      replies = (await admin.req('GET', `/api/v1/tasks/${taskId}/replies`)).json.items;
      if (replies[0]?.state === 'sent') break;
      await new Promise((res) => setTimeout(res, 25));
    }
    expect(replies).toEqual([expect.objectContaining({ to: 'jane@customer.test', state: 'sent', sentAt: expect.any(String) })]);
    const events = (await admin.req('GET', `/api/v1/tasks/${taskId}/events`)).json.items as Json[];
    expect(events.find((e) => e.type === 'task.replied').data).toMatchObject({ to: 'jane@customer.test' });
    // A task that did not come by e-mail has nobody to answer; an empty answer is refused.
    const other = (await new Client(h.base, DEMO_KEY).req('POST', '/api/v1/tasks', { worktype: 'mi-billing', title: 'Not from mail' })).json;
    expect((await admin.req('POST', `/api/v1/tasks/${other.id}/reply`, { body: 'hi' })).status).toBe(422);
    expect((await admin.req('POST', `/api/v1/tasks/${taskId}/reply`, { body: '' })).status).toBe(400);
  });

  it.skipIf(skip)("the customer's answers continue the task while it is open (by the Message-ID they answer), whatever address they go to; after it, a new task says what it follows", async () => {
    await send({ to: 'support@acme.test', subject: 'Broken zipper', text: 'The zipper of my bag broke.', messageId: '<zip-1@customer.test>' });
    await settle();
    const taskId = (await received()).find((x) => x.messageId === 'zip-1@customer.test').outcome.taskId;
    const reply = (await admin.req('POST', `/api/v1/tasks/${taskId}/reply`, { body: 'Could you send a photo?' })).json;
    for (let i = 0; i < 200 && !outbox.some((m) => m.subject === 'Re: Broken zipper'); i++) await new Promise((res) => setTimeout(res, 25));
    const ours = outbox.find((m) => m.subject === 'Re: Broken zipper')!;
    expect(ours.messageId).toBe(`<wl-notification-${reply.id}@worklane>`);

    // Her answer to our reply goes to our sender address (no mailbox takes it), yet joins the task.
    await send({ to: 'no-reply@worklane.local', subject: 'Re: Broken zipper', text: 'Here it is.\n\n> Could you send a photo?', inReplyTo: ours.messageId, references: ['<zip-1@customer.test>', ours.messageId!], messageId: '<zip-2@customer.test>' });
    // And one more on her own first mail, to the mailbox.
    await send({ to: 'support@acme.test', subject: 'Re: Broken zipper', text: 'Any news?', inReplyTo: '<zip-1@customer.test>', messageId: '<zip-3@customer.test>' });
    await settle();
    const outcomes = (await received()).filter((x) => ['zip-2@customer.test', 'zip-3@customer.test'].includes(x.messageId)).map((x) => x.outcome);
    expect(outcomes).toEqual([{ kind: 'follow-up', taskId }, { kind: 'follow-up', taskId }]);
    const thread = (await admin.req('GET', `/api/v1/tasks/${taskId}/mail`)).json.items as Json[];
    expect(thread.map((m) => [m.direction, m.text])).toEqual([['out', 'Could you send a photo?'], ['in', 'Here it is.'], ['in', 'Any news?']]);
    expect(thread[1]).toMatchObject({ from: 'Jane Doe', subject: 'Re: Broken zipper' });
    expect(((await admin.req('GET', `/api/v1/tasks/${taskId}/events`)).json.items as Json[]).filter((e) => e.type === 'task.mail-received')).toHaveLength(2);

    // Once the task is finished, an answer is new work of the same kind, saying what it follows.
    expect((await admin.req('POST', `/api/v1/tasks/${taskId}/cancel`, { reason: 'solved' })).status).toBe(200);
    await send({ to: 'no-reply@worklane.local', subject: 'Re: Broken zipper', text: 'It broke again.', inReplyTo: ours.messageId, messageId: '<zip-4@customer.test>' });
    await settle();
    const again = (await received()).find((x) => x.messageId === 'zip-4@customer.test').outcome;
    expect(again).toMatchObject({ kind: 'task', worktype: 'mi-support' });
    expect((await admin.req('GET', `/api/v1/tasks/${again.taskId}`)).json.attributes).toMatchObject({ follows: taskId, mailbox: 'support@acme.test' });
  });
});
