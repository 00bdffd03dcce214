import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { FastifyBaseLogger } from 'fastify';
import type { Envelope } from './store.js';

export interface SmtpIntake {
  server: SMTPServer;
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The SMTP listener: the organization's mail server forwards the mailboxes' mail here. Recipients
 * no mailbox takes are refused at RCPT (550), so nothing is accepted that would be lost; a message
 * is answered 250 only once it is stored (451 if it could not be: the sending server tries again).
 * No AUTH, no STARTTLS: it listens on loopback (or a private network) behind that mail server.
 */
export async function startSmtp(
  opts: { port: number; host: string; maxBytes: number },
  accepts: (recipient: string) => boolean,
  receive: (raw: Buffer, envelope: Envelope) => Promise<void>,
  log: FastifyBaseLogger,
): Promise<SmtpIntake> {
  const options: SMTPServerOptions = {
    banner: 'Worklane mail intake',
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: opts.maxBytes,
    logger: false,
    onRcptTo(address, _session, cb) {
      if (!accepts(address.address)) return cb(smtpError(550, `5.1.1 No mailbox here for ${address.address}`));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return cb(smtpError(552, `5.3.4 Message larger than ${opts.maxBytes} bytes`));
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        receive(Buffer.concat(chunks), { from, to: session.envelope.rcptTo.map((r) => r.address) }).then(
          () => cb(),
          (err: unknown) => {
            log.error({ err }, 'inbound mail could not be stored; the sender will retry');
            cb(smtpError(451, '4.3.0 Could not store the message; try again later'));
          },
        );
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', (err) => log.warn({ err }, 'SMTP intake connection error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { server, port, close: () => new Promise((r) => server.close(() => r())) };
}
