// Email over SMTP: the namespace's `notifications.smtp` (micro apply), else the server's. Without
// an SMTP server emails are held, not failed (the `oncall:no-smtp` warning fires), and go once
// one is configured. RESOLVED threads under the first page (In-Reply-To).
import { emailAddress } from '../../../config/index.js';
import { emailMessage } from '../../messages.js';
import { validateWith, type ChannelPlugin } from '../channel.js';
import { messageIdOf, smtpSender } from './smtp.js';

export { messageIdOf, smtpSender, type OutgoingEmail } from './smtp.js';

export const emailChannel: ChannelPlugin = {
  kind: 'email',
  schema: emailAddress,
  validate: validateWith(emailAddress),
  unconfigured: {
    key: 'no-smtp',
    subject: 'notifications.smtp',
    message: (people) =>
      `${people} people have email contact methods but no SMTP server is configured (notifications.smtp)`,
  },
  create(ctx) {
    let key = '';
    let sender: ReturnType<typeof smtpSender> | null = null;
    const reconfigure = (): void => {
      const smtp = ctx.notifications().smtp;
      const next = JSON.stringify(smtp ?? null);
      if (next === key) return;
      sender?.close();
      key = next;
      sender = smtp ? smtpSender(smtp, smtp.auth ? ctx.secret(smtp.auth) : undefined) : null;
      ctx.logger.info(
        { smtp: smtp ? `${smtp.host}:${smtp.port}` : null },
        smtp ? 'SMTP configured' : 'no SMTP server: emails are held',
      );
    };
    reconfigure();
    return {
      kind: 'email',
      isConfigured: () => sender !== null,
      async send(page, to) {
        if (!sender)
          return { status: 'held', error: 'no SMTP server is configured (notifications.smtp): held until one is' };
        const inReplyTo = to.inReplyToId ? messageIdOf(to.inReplyToId) : undefined;
        return sender.send({
          ...emailMessage(page),
          to: to.address,
          messageId: messageIdOf(to.notificationId),
          inReplyTo,
        });
      },
      reconfigure,
      close: () => sender?.close(),
    };
  },
};
