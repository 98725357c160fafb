// Slack, as a bot: a page is a chat.postMessage to the contact's channel (`{ name: chat, slack:
// C0123 }`, a channel or a user id) with Acknowledge and Resolve buttons; RESOLVED updates that
// message (chat.update). The buttons carry the page's signed acknowledge token; clicks come back
// through /api/v1/slack/interactions (interaction.ts). Without a bot token pages are held.
import { z } from 'zod';
import { emailSubject, type Page } from '../../messages.js';
import { validateWith, type ChannelContext, type ChannelPlugin } from '../channel.js';
import { slackCall, type SlackApp } from './api.js';

export { slackUserEmail, type SlackApp } from './api.js';
export { handleSlackClick, type SlackClickInput } from './clicks.js';
export { verifySlackSignature, type SlackClick, parseSlackClick } from './interaction.js';

/** A channel id (C…, G…), a user id (U…, W…) for a direct message, or a #channel name. */
const address = z
  .string()
  .regex(
    /^([CGDUW][A-Z0-9]{2,}|#[a-z0-9._-]{1,80})$/,
    'must be a Slack channel or user id (C0123ABC, U0123ABC) or #channel-name',
  );

/** The signed acknowledge token in a page's acknowledge link. */
const ackTokenOf = (p: Page): string | null => (p.ackUrl ? (p.ackUrl.split('/ack/')[1] ?? null) : null);

export function slackBlocks(p: Page, footer?: string): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${emailSubject(p)}*\n${p.reason}` } },
  ];
  const token = ackTokenOf(p);
  if (p.kind === 'firing' && token) {
    blocks.push({
      type: 'actions',
      block_id: 'micro-alert',
      elements: [
        {
          type: 'button',
          action_id: 'acknowledge',
          style: 'primary',
          text: { type: 'plain_text', text: 'Acknowledge' },
          value: token,
        },
        {
          type: 'button',
          action_id: 'resolve',
          style: 'danger',
          text: { type: 'plain_text', text: 'Resolve' },
          value: token,
        },
      ],
    });
  }
  if (footer) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: footer }] });
  return blocks;
}

/** The namespace's Slack app, its tokens opened (sealed, or the server's environment). */
export function slackApp(ctx: ChannelContext): (SlackApp & { signingSecret?: string }) | null {
  const s = ctx.notifications().slack;
  const botToken = ctx.reveal(s?.botToken, s?.botTokenSealed, 'MICRO_SLACK_BOT_TOKEN');
  if (!botToken) return null;
  const signingSecret = ctx.reveal(s?.signingSecret, s?.signingSecretSealed, 'MICRO_SLACK_SIGNING_SECRET');
  return { apiUrl: s?.apiUrl ?? 'https://slack.com/api', botToken, signingSecret };
}

export const slackChannel: ChannelPlugin = {
  kind: 'slack',
  schema: address,
  validate: validateWith(address),
  unconfigured: {
    key: 'no-slack',
    subject: 'notifications.slack',
    message: (people) =>
      `${people} people have Slack contact methods but no Slack bot token is configured (notifications.slack)`,
  },
  create(ctx) {
    // Where each firing page went, so RESOLVED updates it instead of posting again.
    const posted = new Map<string, { channel: string; ts: string }>();
    return {
      kind: 'slack',
      isConfigured: () => slackApp(ctx) !== null,
      async send(page, to) {
        const app = slackApp(ctx);
        if (!app)
          return { status: 'held', error: 'no Slack bot token is configured (notifications.slack): held until one is' };
        const text = `${emailSubject(page)}: ${page.reason}`;
        const earlier = to.inReplyToId ? posted.get(to.inReplyToId) : undefined;
        if (page.kind === 'resolved' && earlier) {
          const { outcome } = await slackCall(app, 'chat.update', {
            channel: earlier.channel,
            ts: earlier.ts,
            text,
            blocks: slackBlocks(page),
          });
          return outcome;
        }
        const { outcome, answer } = await slackCall(app, 'chat.postMessage', {
          channel: to.address,
          text,
          blocks: slackBlocks(page),
        });
        if (outcome.status === 'success' && answer?.ts)
          posted.set(to.notificationId, { channel: answer.channel ?? to.address, ts: answer.ts });
        return outcome;
      },
      reconfigure: () => undefined,
      close: () => undefined,
    };
  },
};
