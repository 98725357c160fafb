// Webhooks: Alertmanager's v4 payload POSTed to a URL (a phone bridge, a chat, an incident tool).
// An HTTP 5xx, 408, 429 or no answer may pass (retryable); another 4xx will not (failure).
import { httpUrl } from '../../../config/index.js';
import { webhookPayload } from '../../messages.js';
import { validateWith, type ChannelPlugin, type SendOutcome } from '../channel.js';

export async function postWebhook(url: string, payload: Record<string, unknown>): Promise<SendOutcome> {
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
}

export const webhookChannel: ChannelPlugin = {
  kind: 'webhook',
  schema: httpUrl,
  validate: validateWith(httpUrl),
  create: () => ({
    kind: 'webhook',
    isConfigured: () => true,
    send: (page, to) => postWebhook(to.address, webhookPayload(page, to.recipient, to.externalUrl)),
    reconfigure: () => undefined,
    close: () => undefined,
  }),
};
