import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback for browser tests: every message is parsed (mailparser) and kept. */
export class Mailbox {
  readonly mails: ParsedMail[] = [];
  /** Recipients refused for now, as a full mailbox is (450: the sender should try later). */
  readonly refused = new Set<string>();
  private server!: SMTPServer;
  port = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, cb) => {
        if (!this.refused.has(address.address.toLowerCase())) return cb();
        cb(Object.assign(new Error(`4.2.2 Mailbox ${address.address} is full, try later`), { responseCode: 450 }));
      },
      onData: (stream, _session, cb) => {
        simpleParser(stream).then(
          (mail) => {
            this.mails.push(mail);
            cb();
          },
          (err: Error) => cb(err),
        );
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
  }

  /** `smtp://127.0.0.1:<port>` for WORKLANE_SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): ParsedMail[] {
    return this.mails.filter((m) => [m.to].flat().some((t) => t?.value.some((v) => v.address === address)));
  }

  /** The first message to `address` whose subject matches, waiting for it to arrive. */
  async waitFor(address: string, subject: RegExp, timeoutMs = 20_000): Promise<ParsedMail> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = this.to(address).find((x) => subject.test(x.subject ?? ''));
      if (m) return m;
      if (Date.now() > until) throw new Error(`no mail to ${address} with subject ${subject} within ${timeoutMs} ms (got: ${this.mails.map((x) => x.subject).join(' | ') || 'none'})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
