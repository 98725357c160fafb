// A page written as one structured log line: for a newcomer with no SMTP server, and for tests.
// `contacts: [{ name: terminal, log: ops }]`; the address is a label the line carries.
import { z } from 'zod';
import { emailSubject } from '../../messages.js';
import { validateWith, type ChannelPlugin } from '../channel.js';

const label = z.string().min(1).max(200);

export const logChannel: ChannelPlugin = {
  kind: 'log',
  schema: label,
  validate: validateWith(label),
  create: (ctx) => ({
    kind: 'log',
    isConfigured: () => true,
    async send(page, to) {
      ctx.logger.warn(
        {
          channel: 'log',
          label: to.address,
          recipient: to.recipient,
          notification: to.notificationId,
          page: page.kind,
          alert: page.alertKey,
          labels: page.labels,
          reason: page.reason,
          firedAt: page.firedAt,
          ackUrl: page.ackUrl,
        },
        emailSubject(page),
      );
      return { status: 'success', detail: 'logged' };
    },
    reconfigure: () => undefined,
    close: () => undefined,
  }),
};
