// The few Slack Web API methods the bot uses (chat.postMessage, chat.update, users.info), over
// fetch against a configurable base URL, with Slack's answers turned into outcomes.
import type { SendOutcome } from '../channel.js';

export interface SlackApp {
  apiUrl: string;
  botToken: string;
}

type SlackAnswer = {
  ok: boolean;
  error?: string;
  ts?: string;
  channel?: string;
  user?: { profile?: { email?: string } };
};

/** Errors that a retry may fix; everything else Slack says is the request's fault. */
const TRANSIENT = new Set(['ratelimited', 'service_unavailable', 'fatal_error', 'internal_error', 'request_timeout']);

export async function slackCall(
  app: SlackApp,
  method: string,
  body: Record<string, unknown>,
): Promise<{ outcome: SendOutcome; answer?: SlackAnswer }> {
  let res: Response;
  try {
    res = await fetch(`${app.apiUrl.replace(/\/$/, '')}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${app.botToken}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    return { outcome: { status: 'retryable', error: `Slack ${method}: ${(err as Error).message}` } };
  }
  if (res.status === 429 || res.status >= 500) {
    await res.arrayBuffer().catch(() => undefined);
    return { outcome: { status: 'retryable', error: `Slack ${method}: HTTP ${res.status}` } };
  }
  let answer: SlackAnswer;
  try {
    answer = (await res.json()) as SlackAnswer;
  } catch {
    return { outcome: { status: 'retryable', error: `Slack ${method}: not a JSON answer (HTTP ${res.status})` } };
  }
  if (answer.ok) return { outcome: { status: 'success', detail: `Slack ${method} ${answer.ts ?? ''}`.trim() }, answer };
  const error = `Slack ${method}: ${answer.error ?? `HTTP ${res.status}`}`;
  return { outcome: { status: TRANSIENT.has(answer.error ?? '') ? 'retryable' : 'failure', error }, answer };
}

/** The email of a Slack user (users.info, which needs the users:read.email scope), or null. */
export async function slackUserEmail(app: SlackApp, userId: string): Promise<string | null> {
  const { answer } = await slackCall(app, 'users.info', { user: userId });
  return answer?.ok ? (answer.user?.profile?.email ?? null) : null;
}
