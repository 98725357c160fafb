// A real SMTP server on loopback (the smtp-server package) that keeps what it receives, parsed.
import net, { type AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo: string;
  receivedAt: number;
}

export interface TestSmtp {
  port: number;
  mails: ReceivedMail[];
  /** Mails to one address. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

/** With `auth`, the server refuses mail from anyone who does not log in with exactly that user and password. */
export async function startSmtp(port = 0, auth?: { user: string; pass: string }): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: !auth,
    allowInsecureAuth: true,
    onAuth(a, _session, callback) {
      if (auth && a.username === auth.user && a.password === auth.pass) callback(null, { user: a.username });
      else callback(new Error('invalid username or password'));
    },
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then(
          (m) => {
            mails.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: m.subject ?? '',
              text: m.text ?? '',
              html: typeof m.html === 'string' ? m.html : '',
              messageId: m.messageId ?? '',
              inReplyTo: m.inReplyTo ?? '',
              receivedAt: Date.now(),
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    to: (address) => mails.filter((m) => m.to.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * An SMTP server that can be "down": its port stays bound (so no other test takes it), and while
 * down every connection is closed at once, as a dead relay behind a load balancer would.
 */
export async function startSwitchableSmtp(): Promise<{
  port: number;
  smtp: TestSmtp;
  up(): void;
  down(): void;
  close(): Promise<void>;
}> {
  const smtp = await startSmtp();
  let isUp = false;
  const front = net.createServer((client) => {
    if (!isUp) return client.destroy();
    const back = net.connect(smtp.port, '127.0.0.1');
    client.pipe(back).pipe(client);
    const end = () => {
      client.destroy();
      back.destroy();
    };
    client.on('error', end);
    back.on('error', end);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    port: (front.address() as AddressInfo).port,
    smtp,
    up: () => (isUp = true),
    down: () => (isUp = false),
    close: async () => {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await smtp.close();
    },
  };
}
