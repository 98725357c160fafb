// SMTP through nodemailer. 5xx replies are permanent (RFC 5321 4.2.1); everything else (4xx, no
// connection, a timeout) may pass, so it is retried.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { NotificationsConfig } from '../../../config/index.js';
import type { EmailMessage } from '../../messages.js';
import type { SendOutcome } from '../channel.js';

export interface OutgoingEmail extends EmailMessage {
  to: string;
  /** The same page always has the same Message-ID, so a resend after a crash is one message to mail clients. */
  messageId: string;
  inReplyTo?: string;
}

/** The Message-ID of a notification: the same id always gives the same one. */
export const messageIdOf = (notificationId: string): string =>
  `<${createHash('sha256').update(notificationId).digest('hex').slice(0, 40)}@micro-observe>`;

/** `password`: the SMTP password as opened by the caller (sealed and file passwords are opened first). */
export function smtpSender(
  smtp: NonNullable<NotificationsConfig['smtp']>,
  password: string | undefined,
): { send(mail: OutgoingEmail): Promise<SendOutcome>; close(): void } {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    auth: smtp.auth && password ? { user: smtp.auth.user, pass: password } : undefined,
    tls: { rejectUnauthorized: !smtp.insecure },
    // A page must not wait minutes on a dead relay: fail fast and retry.
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 15000,
    // Without a pool each page opens its own connection: one stuck relay connection delays no other page.
    pool: false,
  } as SMTPTransport.Options);
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: smtp.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          inReplyTo: mail.inReplyTo,
          references: mail.inReplyTo,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        });
        if (info.rejected.length > 0)
          return { status: 'failure', error: `the server refused ${info.rejected.join(', ')}` };
        return { status: 'success', detail: String(info.response ?? 'accepted') };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; message?: string };
        const error = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
        return { status: e.responseCode !== undefined && e.responseCode >= 500 ? 'failure' : 'retryable', error };
      }
    },
    close: () => transport.close(),
  };
}
