// What a verified click does: the button's signed token names the alert episode; the Slack user
// is mapped to one of our people by email (users.info); then the alert is acknowledged or
// resolved as that person, and the message is updated to say so. Anything else changes nothing.
import type { Logger } from 'pino';
import type { AlertBook } from '../../../alerting/index.js';
import type { Directory } from '../../directory.js';
import { verifyAckToken } from '../../signed-links.js';
import { slackCall, slackUserEmail, type SlackApp } from './api.js';
import { parseSlackClick, verifySlackSignature } from './interaction.js';

export interface SlackClickInput {
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
}

export interface SlackClickDeps {
  namespace: string;
  signingKey: Buffer;
  book: AlertBook;
  directory: () => Directory;
  now: number;
  log: Logger;
  app: (SlackApp & { signingSecret?: string }) | null;
}

/** The answer to Slack (status and a sentence); 200 only when the click did what it asked. */
export async function handleSlackClick(
  input: SlackClickInput,
  d: SlackClickDeps,
): Promise<{ status: number; text: string }> {
  if (!d.app?.signingSecret) return { status: 503, text: 'Slack is not configured here (notifications.slack)' };
  const sig = verifySlackSignature(d.app.signingSecret, input.rawBody, input.timestamp, input.signature, d.now);
  if (!sig.ok) {
    d.log.warn({ why: sig.why }, 'a Slack click was refused');
    return { status: 401, text: sig.why };
  }
  const click = parseSlackClick(input.rawBody);
  if (!click) return { status: 400, text: 'not a click on one of our buttons' };
  const v = verifyAckToken(d.signingKey, click.token, d.now);
  if (!v.ok || v.claim.namespace !== d.namespace)
    return {
      status: 403,
      text: v.ok
        ? 'not this namespace'
        : `the button's link ${v.reason === 'expired' ? 'has expired' : 'is not valid'}`,
    };
  const email = (await slackUserEmail(d.app, click.userId))?.toLowerCase();
  const person = email ? [...d.directory().people.values()].find((p) => p.emails.includes(email)) : undefined;
  if (!person) {
    d.log.warn({ slackUser: click.userId }, 'a Slack click from someone who is not one of our people was refused');
    return { status: 403, text: 'your Slack account is not one of the people declared here (matched by email)' };
  }
  const { alertKey, firedAt } = v.claim;
  const a = d.book.get(d.namespace, alertKey);
  if (a?.state.phase !== 'firing' || a.state.firingSince !== firedAt)
    return { status: 409, text: `${alertKey} is no longer firing` };
  const by = `${person.name} (Slack)`;
  if (click.action === 'acknowledge') {
    if (!a.state.acknowledged) await d.book.acknowledge(d.namespace, alertKey, by, d.now);
  } else await d.book.resolve(d.namespace, alertKey, by, d.now);
  d.log.info({ alert: alertKey, by: person.id, action: click.action }, 'alert changed from Slack');
  const text = `${click.action === 'acknowledge' ? 'Acknowledged' : 'Resolved'} by ${person.name}`;
  if (click.channel && click.messageTs) {
    await slackCall(d.app, 'chat.update', {
      channel: click.channel,
      ts: click.messageTs,
      text: `${alertKey}: ${text}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${alertKey}*: ${text}` } }],
    });
  }
  return { status: 200, text };
}
