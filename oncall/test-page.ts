// `micro page test <person|schedule>`: a real page through every contact method of the people
// named (or on call now), recorded in the notification log like any other.
import { appendNotifications, type NotificationRow, type Store } from '../store/index.js';
import type { Directory } from './directory.js';
import type { Page } from './messages.js';
import { sendPage, type Channels } from './channels/index.js';
import { whoIsOnCall } from './schedule.js';

export interface TestPageResult {
  recipient: string;
  contact: string;
  channel: string;
  address: string;
  status: 'sent' | 'failed';
  error: string;
}

export interface TestPageDeps {
  store: Pick<Store, 'insertJson'>;
  namespace: string;
  directory: Directory;
  channels: Channels;
  publicUrl: string;
}

/** Who a test page for `target` reaches: the person, or whoever is on call for the schedule now. */
export function testPageRecipients(
  d: Directory,
  target: { kind: 'user' | 'schedule'; id: string },
  now: number,
): string[] | null {
  if (target.kind === 'user') return d.people.has(target.id) ? [target.id] : null;
  const s = d.schedules.get(target.id);
  return s ? whoIsOnCall(s, now).users : null;
}

export async function sendTestPage(
  deps: TestPageDeps,
  people: string[],
  by: string,
  now: number,
): Promise<TestPageResult[]> {
  const alertKey = `test:${now}`;
  const out: TestPageResult[] = [];
  for (const personId of people) {
    const person = deps.directory.people.get(personId);
    for (const c of person?.contacts ?? []) {
      const row: NotificationRow = {
        namespace: deps.namespace,
        id: `${alertKey}|${personId}|${c.name}`,
        at: now,
        alertKey,
        firedAt: now,
        kind: 'test',
        channel: c.channel,
        recipient: personId,
        contact: c.name,
        address: c.address,
        step: 0,
        pass: 0,
        status: 'sending',
        attempt: 1,
        error: '',
        dueAt: now,
        nextAttemptAt: now,
        fence: 0,
      };
      await appendNotifications(deps.store, [row]);
      const page: Page = {
        kind: 'test',
        namespace: deps.namespace,
        alertKey,
        labels: {},
        reason: `a test page sent by ${by}: if you read this, paging reaches you through "${c.name}"`,
        firedAt: now,
        resolvedAt: null,
        recipient: { id: personId, name: person!.name, timezone: person!.timezone },
        step: 0,
        pass: 0,
        policy: '',
        ackUrl: null,
        alertUrl: `${deps.publicUrl.replace(/\/$/, '')}/api/v1/oncall`,
        logLines: [],
      };
      const outcome = await sendPage(deps.channels, page, row, row.id, deps.publicUrl);
      const error = outcome.status === 'success' ? '' : outcome.error;
      await appendNotifications(deps.store, [
        { ...row, status: outcome.status === 'success' ? 'sent' : 'failed', error },
      ]);
      out.push({
        recipient: personId,
        contact: c.name,
        channel: c.channel,
        address: c.address,
        status: outcome.status === 'success' ? 'sent' : 'failed',
        error,
      });
    }
  }
  return out;
}
