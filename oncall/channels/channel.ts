// A notification channel: one way a page reaches someone (email, webhook, a log line, Slack...).
// Alertmanager's `notify/<integration>/` is the model: each channel is a folder exporting one
// `ChannelPlugin`, and the registry (channels/index.ts) lists them. The rest of on call knows
// channels only through this interface.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { NotificationsConfig } from '../../config/index.js';
import type { Page } from '../messages.js';

/**
 * `held`: the channel is not configured (no SMTP server). That is the system's problem, not the
 * person's: the page waits, without giving up, and goes once the channel is configured.
 */
export type SendOutcome =
  | { status: 'success'; detail: string }
  | { status: 'retryable' | 'failure' | 'held'; error: string };

/** Who one notification goes to, and how it is known. */
export interface Delivery {
  /** The contact's address for this channel (an email address, a URL...). */
  address: string;
  /** The person (or webhook channel) it is for. */
  recipient: string;
  /** Stable per notification: a resend is recognisably the same message. */
  notificationId: string;
  /** The first page of this episode to the same person the same way (RESOLVED threads under it). */
  inReplyToId?: string;
  /** The server's public URL, for links. */
  externalUrl: string;
}

/** What a channel may use: the namespace's notification settings as they are now, and a logger. */
export interface ChannelContext {
  namespace: string;
  notifications: () => NotificationsConfig;
  /** Opens a password kept sealed or in a file (the SMTP password). */
  secret: (auth: NonNullable<NonNullable<NotificationsConfig['smtp']>['auth']>) => string | undefined;
  /** A secret given in plain text, else sealed (opened with the signing key), else from the server's environment. */
  reveal: (plain: string | undefined, sealed: string | undefined, env: string) => string | undefined;
  logger: Logger;
}

export interface Channel {
  readonly kind: string;
  /** Whether it can send now (email: an SMTP server is configured). */
  isConfigured(): boolean;
  send(page: Page, to: Delivery): Promise<SendOutcome>;
  /** The settings changed (micro apply): pick them up. */
  reconfigure(): void;
  close(): void;
}

export interface ChannelPlugin {
  /** The key a person's contact method uses: `contacts: [{ name: pager, <kind>: <address> }]`. */
  readonly kind: string;
  /** A contact address of this kind. */
  readonly schema: z.ZodType<string>;
  /** The problem with an address, in a sentence, or null when it is good. */
  validate(address: unknown): string | null;
  /** The warning raised while people use this channel and it cannot send. */
  readonly unconfigured?: { key: string; subject: string; message: (people: number) => string };
  create(ctx: ChannelContext): Channel;
}

/** validate() from a schema: the first issue's message. */
export function validateWith(schema: z.ZodType<string>): (address: unknown) => string | null {
  return (address) => {
    const r = schema.safeParse(address);
    return r.success ? null : (r.error.issues[0]?.message ?? 'is not valid');
  };
}
