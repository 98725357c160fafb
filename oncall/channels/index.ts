// The channel registry: a new channel is a folder here and one line in CHANNEL_PLUGINS.
import type { Page } from '../messages.js';
import type { Channel, ChannelContext, ChannelPlugin, SendOutcome } from './channel.js';
import { emailChannel } from './email/index.js';
import { logChannel } from './log/index.js';
import { slackChannel } from './slack/index.js';
import { webhookChannel } from './webhook/index.js';

// biome-ignore format: one channel a line, so that adding one is one line
export const CHANNEL_PLUGINS: readonly ChannelPlugin[] = [
  emailChannel,
  webhookChannel,
  logChannel,
  slackChannel,
];

export const channelPlugin = (kind: string): ChannelPlugin | undefined => CHANNEL_PLUGINS.find((p) => p.kind === kind);

/** One namespace's channels, by kind. */
export type Channels = ReadonlyMap<string, Channel>;

export function createChannels(ctx: ChannelContext): Channels {
  return new Map(CHANNEL_PLUGINS.map((p) => [p.kind, p.create(ctx)]));
}

export {
  validateWith,
  type Channel,
  type ChannelContext,
  type ChannelPlugin,
  type Delivery,
  type SendOutcome,
} from './channel.js';
export { messageIdOf, smtpSender, type OutgoingEmail } from './email/index.js';
export { postWebhook } from './webhook/index.js';

/** Sends one page through one contact method, by its channel. */
export function sendPage(
  channels: Channels,
  page: Page,
  to: { channel: string; address: string; recipient: string },
  notificationId: string,
  externalUrl: string,
  inReplyToId?: string,
): Promise<SendOutcome> {
  const channel = channels.get(to.channel);
  if (!channel) return Promise.resolve({ status: 'failure', error: `this server has no "${to.channel}" channel` });
  return channel.send(page, { address: to.address, recipient: to.recipient, notificationId, externalUrl, inReplyToId });
}
