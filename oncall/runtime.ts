// One namespace's on-call runtime: the directory (people, schedules, policies, routes, webhooks,
// overrides), the pager with its channels, acknowledge links, calendar feeds, and the warnings
// raised as alerts. It takes alerting's hand-off (PagingHandOff). Time comes from the caller
// (`tick(now)`), so tests drive it with a clock.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AlertBook, PagingHandOff } from '../alerting/index.js';
import {
  EMPTY_DECLARED,
  overrideInputSchema,
  type Declared,
  type NotificationsConfig,
  type OverrideInput,
} from '../config/index.js';
import { buildDirectory, type Directory } from './directory.js';
import { createPager } from './pager.js';
import { CHANNEL_PLUGINS, createChannels } from './channels/index.js';
import { handleSlackClick, slackApp } from './channels/slack/index.js';
import { prepareDeclared } from './declared-secrets.js';
import type { OnCallService, StoredOverride } from './service.js';
import { feedToken, loadSigningKey, openSecret, verifyAckToken, verifyFeedToken } from './signed-links.js';
import { sendTestPage, testPageRecipients } from './test-page.js';
import { onCallWarnings } from './warnings.js';
import { notificationHistory, readConfigObjects, searchLogs, writeConfigObjects, type Store } from '../store/index.js';

/** On call for one namespace: what the API reads and changes, and what alerting hands pages to. */
export interface OnCallRuntime extends OnCallService, PagingHandOff {}

export interface OnCallRuntimeOptions {
  store: Store;
  logger: Logger;
  namespace: string;
  notifications: NotificationsConfig;
  dataDir: string;
  publicUrl: () => string;
  book: AlertBook;
  now: () => number;
  /** This process's lease on the namespace, confirmed before each page (see the pager). */
  confirmLease?: () => Promise<number | null>;
}

const WARNING_EVERY_MS = 60_000;

export async function createOnCallRuntime(o: OnCallRuntimeOptions): Promise<OnCallRuntime> {
  const NS = o.namespace;
  const log = o.logger.child({ component: 'pager' });
  const signingKey = loadSigningKey(o.dataDir);
  // The namespace's own notifications (micro apply) when declared, else the server's.
  let notifications: NotificationsConfig = o.notifications;
  const secret = (a: NonNullable<NonNullable<NotificationsConfig['smtp']>['auth']>): string | undefined => {
    if (a.pass) return a.pass;
    if (a.passSealed) return openSecret(signingKey, a.passSealed) ?? undefined;
    if (a.passwordFile) {
      try {
        return readFileSync(a.passwordFile, 'utf8').trim();
      } catch (err) {
        log.error({ file: a.passwordFile, err: (err as Error).message }, 'cannot read the SMTP passwordFile');
      }
    }
    return process.env.MICRO_SMTP_PASSWORD;
  };
  const reveal = (plain: string | undefined, sealed: string | undefined, env: string): string | undefined =>
    plain ?? (sealed ? (openSecret(signingKey, sealed) ?? undefined) : undefined) ?? (process.env[env] || undefined);
  const channels = createChannels({ namespace: NS, notifications: () => notifications, secret, reveal, logger: log });
  /** Takes new settings; true when a channel that could not send now can (held pages may go). */
  const useNotifications = (n: NotificationsConfig): boolean => {
    const before = [...channels.values()].filter((c) => !c.isConfigured()).length;
    notifications = n;
    for (const c of channels.values()) c.reconfigure();
    return [...channels.values()].filter((c) => !c.isConfigured()).length < before;
  };
  const unconfigured = () =>
    CHANNEL_PLUGINS.filter((p) => p.unconfigured && !channels.get(p.kind)?.isConfigured()).map((p) => ({
      kind: p.kind,
      ...p.unconfigured!,
    }));
  let declared: Declared | null = null;
  let overrides: StoredOverride[] = [];
  let directory: Directory = buildDirectory(EMPTY_DECLARED);
  let lastWarningsAt = -Infinity;

  const loadOverrides = async (): Promise<StoredOverride[]> => {
    const out: StoredOverride[] = [];
    for (const obj of (await readConfigObjects(o.store, NS)).filter((x) => x.kind === 'override')) {
      const parsed = overrideInputSchema.safeParse(JSON.parse(obj.spec));
      if (parsed.success) out.push({ ...parsed.data, id: obj.name, author: obj.author });
    }
    return out;
  };
  const rebuild = () => {
    if (declared) directory = buildDirectory(declared, overrides);
  };

  const pager = createPager({
    store: o.store,
    namespace: NS,
    directory: () => directory,
    alert: (key) => o.book.get(NS, key)?.state,
    channels,
    publicUrl: o.publicUrl,
    signingKey,
    get ackLinkTtlMs() {
      return notifications.ackLinkTtl;
    },
    recentLogs: (service, from, to) =>
      searchLogs(o.store, NS, { fromMs: from, toMs: to }, { services: [service], minLevel: 'warn', limit: 10 }),
    // Addresses are people's contact details: logged by recipient and contact name only.
    onEvent: (message, fields) => log.info(fields, message),
    confirmLease: o.confirmLease,
  });

  /** Warnings become alerts (`oncall:gap:primary`...), and resolve when the cause is gone. */
  async function raiseWarnings(now: number): Promise<void> {
    const current = new Map(warningsAt(now).map((w) => [`oncall:${w.key}`, w]));
    for (const [key, w] of current) {
      await o.book.record(
        {
          namespace: NS,
          key,
          labels: { service: 'micro-observe', oncall: w.kind, subject: w.subject, severity: 'warning' },
        },
        { ok: false, message: w.message },
        now,
      );
    }
    for (const a of o.book.list(NS)) {
      if (a.alertKey.startsWith('oncall:') && !current.has(a.alertKey) && a.state.phase !== 'ok')
        await o.book.record(
          { namespace: NS, key: a.alertKey, labels: a.labels },
          { ok: true, message: 'no longer the case' },
          now,
        );
    }
  }

  const warningsAt = (now: number) =>
    onCallWarnings(directory, { now, unconfigured: unconfigured(), failedContacts: failedContacts() });

  function failedContacts(): Set<string> {
    const last = new Map<string, { status: string; at: number }>();
    for (const e of pager.escalations()) {
      for (const n of e.notifications) {
        const k = `${n.recipient}\u0000${n.contact}`;
        if (n.status !== 'sent' && n.status !== 'failed') continue;
        if ((last.get(k)?.at ?? -Infinity) <= n.at) last.set(k, n);
      }
    }
    return new Set([...last].filter(([, v]) => v.status === 'failed').map(([k]) => k));
  }

  const restored = await pager.load(o.now());
  overrides = await loadOverrides();
  log.info({ escalationsRestored: restored, channels: [...channels.keys()] }, 'pager ready');

  return {
    namespace: NS,
    deliver: (group, now) => pager.deliver(group, now),
    async tick(now) {
      await pager.tick(now);
      if (declared && now - lastWarningsAt >= WARNING_EVERY_MS) {
        lastWarningsAt = now;
        await raiseWarnings(now);
      }
    },
    async reload(d) {
      declared = d;
      if (useNotifications(d.notifications ?? o.notifications)) {
        pager.release(o.now());
        lastWarningsAt = -Infinity;
      }
      overrides = await loadOverrides();
      rebuild();
      lastWarningsAt = -Infinity;
    },
    settle: () => pager.drain(),
    async stop() {
      await pager.drain();
      for (const c of channels.values()) c.close();
    },
    // Every contact address is checked by its channel; secrets given in plain text are sealed
    // before they are stored (declared-secrets.ts).
    prepare: (d) => prepareDeclared(d, signingKey),
    slackClick: (input) =>
      handleSlackClick(input, {
        namespace: NS,
        signingKey,
        book: o.book,
        directory: () => directory,
        now: o.now(),
        log,
        app: slackApp({ namespace: NS, notifications: () => notifications, secret, reveal, logger: log }),
      }),
    directory: () => directory,
    overrides: () => overrides,
    async addOverride(input: OverrideInput, author) {
      const id = randomUUID().slice(0, 8);
      await writeConfigObjects(
        o.store,
        NS,
        [{ kind: 'override', name: id, spec: JSON.stringify(input) }],
        author,
        o.now(),
      );
      overrides = await loadOverrides();
      rebuild();
      log.info({ override: id, schedule: input.schedule, kind: input.kind, author }, 'override added');
      return { ...input, id, author };
    },
    async removeOverride(id, by) {
      if (!overrides.some((x) => x.id === id)) return false;
      await writeConfigObjects(o.store, NS, [{ kind: 'override', name: id, spec: null }], by, o.now());
      overrides = await loadOverrides();
      rebuild();
      log.info({ override: id, by }, 'override removed');
      return true;
    },
    warnings: warningsAt,
    async testPage(target, by) {
      const now = o.now();
      const people = testPageRecipients(directory, target, now);
      if (people === null) return null;
      return sendTestPage(
        { store: o.store, namespace: NS, directory, channels, publicUrl: o.publicUrl() },
        people,
        by,
        now,
      );
    },
    escalations: () => pager.escalations(),
    notificationHistory: (alertKey) => notificationHistory(o.store, NS, alertKey),
    checkAckLink(token) {
      const v = verifyAckToken(signingKey, token, o.now());
      return v.ok ? { ok: true, alertKey: v.claim.alertKey, recipient: v.claim.recipient } : v;
    },
    async acknowledgeByLink(token) {
      const now = o.now();
      const v = verifyAckToken(signingKey, token, now);
      if (!v.ok || v.claim.namespace !== NS) return { status: v.ok ? 'invalid' : v.reason };
      const { alertKey, firedAt, recipient } = v.claim;
      const a = o.book.get(NS, alertKey);
      if (a?.state.phase !== 'firing' || a.state.firingSince !== firedAt) return { status: 'over', alertKey };
      if (a.state.acknowledged) return { status: 'already-acknowledged', alertKey, by: a.state.acknowledged.by };
      const by = `${directory.people.get(recipient)?.name ?? recipient} (email link)`;
      await o.book.acknowledge(NS, alertKey, by, now);
      log.info({ alert: alertKey, by: recipient }, 'acknowledged through a link');
      return { status: 'acknowledged', alertKey, by };
    },
    feedToken: (kind, id) => feedToken(signingKey, NS, kind, id),
    verifyFeedToken: (kind, id, token) => verifyFeedToken(signingKey, NS, kind, id, token),
    publicUrl: o.publicUrl,
  };
}
