// A click on a Slack button, as Slack sends it to the interactivity URL: verified with the app's
// signing secret (v0, HMAC-SHA256 over "v0:<timestamp>:<body>", at most 5 minutes old), then read.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_REPLAY_WINDOW_MS = 5 * 60_000;

export type SignatureCheck = { ok: true } | { ok: false; why: string };

export function verifySlackSignature(
  signingSecret: string,
  rawBody: string,
  timestamp: string | undefined,
  signature: string | undefined,
  now: number,
): SignatureCheck {
  if (!timestamp || !signature)
    return { ok: false, why: 'the request is not signed (X-Slack-Signature, X-Slack-Request-Timestamp)' };
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(now - ts * 1000) > SLACK_REPLAY_WINDOW_MS) {
    return { ok: false, why: 'the request is older than 5 minutes (or from the future): refused as a replay' };
  }
  const expected = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, why: 'the signature does not match' };
  return { ok: true };
}

export interface SlackClick {
  action: 'acknowledge' | 'resolve';
  /** The signed acknowledge token the button carries. */
  token: string;
  userId: string;
  channel?: string;
  messageTs?: string;
}

/** The click in a form-encoded `payload=<json>` body; null when it is not one of our buttons. */
export function parseSlackClick(rawBody: string): SlackClick | null {
  const payload = new URLSearchParams(rawBody).get('payload');
  if (!payload) return null;
  let p: {
    type?: string;
    user?: { id?: string };
    actions?: Array<{ action_id?: string; value?: string }>;
    channel?: { id?: string };
    message?: { ts?: string };
  };
  try {
    p = JSON.parse(payload);
  } catch {
    return null;
  }
  const action = p.actions?.[0];
  if (p.type !== 'block_actions' || !action?.value || !p.user?.id) return null;
  if (action.action_id !== 'acknowledge' && action.action_id !== 'resolve') return null;
  return {
    action: action.action_id,
    token: action.value,
    userId: p.user.id,
    channel: p.channel?.id,
    messageTs: p.message?.ts,
  };
}
