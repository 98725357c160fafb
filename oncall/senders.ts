// Delivery: email through nodemailer over SMTP, webhooks through fetch. Outcomes are data: a
// failure that may pass (a refused connection, a 4xx SMTP reply, an HTTP 5xx) is `retryable`;
// one that will not (a 5xx SMTP reply such as "no such mailbox", an HTTP 4xx) is `failure`.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { NotificationsConfig } from '../config/index.js';
import { emailMessage, webhookPayload, type EmailMessage, type Page } from './messages.js';

/**
 * `held`: the channel is not configured (no SMTP server). That is the system's problem, not the
 * person's: the page waits, without giving up, and goes once the channel is configured.
 */
export type SendOutcome = { status: 'success'; detail: string } | { status: 'retryable' | 'failure' | 'held'; error: string };

export interface OutgoingEmail extends EmailMessage {
  to: string;
  /** The same page always has the same Message-ID, so a resend after a crash is one message to mail clients. */
  messageId: string;
  inReplyTo?: string;
}

export type EmailSender = (mail: OutgoingEmail) => Promise<SendOutcome>;
export type WebhookSender = (url: string, payload: Record<string, unknown>) => Promise<SendOutcome>;

export interface Senders {
  email: EmailSender;
  webhook: WebhookSender;
}

/** The Message-ID of a notification: the same id always gives the same one. */
export const messageIdOf = (notificationId: string): string => `<${createHash('sha256').update(notificationId).digest('hex').slice(0, 40)}@micro-observe>`;

/**
 * Sends one page through one contact method: an email (threaded under `inReplyToId`'s message when
 * given), or a webhook post naming `recipient` as Alertmanager's receiver.
 */
export function sendPage(
  senders: Senders, page: Page, to: { channel: string; address: string; recipient: string }, notificationId: string, externalUrl: string, inReplyToId?: string,
): Promise<SendOutcome> {
  return to.channel === 'email'
    ? senders.email({ ...emailMessage(page), to: to.address, messageId: messageIdOf(notificationId), inReplyTo: inReplyToId ? messageIdOf(inReplyToId) : undefined })
    : senders.webhook(to.address, webhookPayload(page, to.recipient, externalUrl));
}

export function smtpSender(smtp: NonNullable<NotificationsConfig['smtp']>): { send: EmailSender; close(): void } {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    // The password as resolved by the caller (sealed and file passwords are opened before this).
    auth: smtp.auth?.pass ? { user: smtp.auth.user, pass: smtp.auth.pass } : undefined,
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
          from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html,
          messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.inReplyTo,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        });
        if (info.rejected.length > 0) return { status: 'failure', error: `the server refused ${info.rejected.join(', ')}` };
        return { status: 'success', detail: String(info.response ?? 'accepted') };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; message?: string };
        const error = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
        // 5xx replies are permanent (RFC 5321 4.2.1); everything else (4xx, no connection, a timeout) may pass.
        return { status: e.responseCode !== undefined && e.responseCode >= 500 ? 'failure' : 'retryable', error };
      }
    },
    close: () => transport.close(),
  };
}

/** Without SMTP settings emails are held (the `oncall:no-smtp` warning fires) until a server is configured. */
export const noEmail: EmailSender = async () => ({ status: 'held', error: 'no SMTP server is configured (notifications.smtp): held until one is' });

export const postWebhook: WebhookSender = async (url, payload) => {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'micro-observe' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { status: 'success', detail: `HTTP ${res.status}` };
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    return { status: retryable ? 'retryable' : 'failure', error: `HTTP ${res.status} from the webhook` };
  } catch (err) {
    return { status: 'retryable', error: (err as Error).message };
  }
};
