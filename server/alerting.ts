// The alerting part of the server: the alert book (restored from the event log), the engine
// running the declared checks and rules, the dispatcher that applies silences, maintenance and
// inhibition, and the pager that escalates to whoever is on call. With a manual clock nothing
// runs on timers: `tick(now)` drives checks, dispatcher and pager (tests use it).
import type { Logger } from 'pino';
import {
  applyDeclared, checkJob, createAlertBook, createCheckEngine, createDispatcher, createSilence, expireSilence, listSilences, loadDeclared, parseMatcher, ruleJob,
  type AlertBook, type AlertNotice, type HostResolver, type AlertingService, type Declared, type MaintenanceWindow, type Silence, type TrackedAlert,
} from '../alerting/index.js';
import type { NotificationsConfig } from '../config/index.js';
import type { OnCallService } from '../oncall/index.js';
import { lastPings, recordPing, type Store } from '../store/index.js';
import { startPaging, type PagingOptions } from './paging.js';

export interface AlertingHandle extends AlertingService {
  oncall: OnCallService;
  /** Services this namespace exposes to others: `[reader namespace, service]`. */
  exposures(): Array<[string, string]>;
  /** One round of everything timed: due checks, dispatcher repeats, escalations (manual clock). */
  tick(now: number): Promise<void>;
  stop(): Promise<void>;
}

export interface AlertingOptions {
  namespace: string;
  store: Store;
  logger: Logger;
  fromFile: Declared | null;
  notifications: NotificationsConfig;
  dataDir: string;
  publicUrl: () => string;
  now: () => number;
  /** Run nothing on timers; the caller calls `tick(now)`. */
  manualClock?: boolean;
  senders?: PagingOptions['senders'];
  /** How checks resolve names (c-ares, with their own deadline). */
  resolver: HostResolver;
}

/** The firing notice of a firing alert, from its state (for repeats, held-back pages and restarts). */
const firingNotice = (a: TrackedAlert): AlertNotice => ({
  namespace: a.namespace, alertKey: a.alertKey, labels: a.labels, state: a.state,
  event: { kind: 'firing', at: a.state.firingSince ?? a.state.lastChangeAt, from: 'pending', to: 'firing', reason: a.state.lastMessage, notify: true },
});

export async function startAlerting(o: AlertingOptions): Promise<AlertingHandle> {
  const { store, now } = o;
  const NS = o.namespace;
  const logger = o.logger.child({ namespace: NS });
  let silences: Silence[] = await listSilences(store, NS);
  let maintenance: MaintenanceWindow[] = [];
  let exposures: Array<[string, string]> = [];
  // `book` and `paging` are assigned below; the dispatcher reaches them only once they are.
  let book: AlertBook | null = null;
  let paging: Awaited<ReturnType<typeof startPaging>> | null = null;
  const dispatcher = createDispatcher({
    deliver: async (group) => {
      logger.warn({ group: group.key, repeat: group.repeat, restored: group.restored, alerts: group.notices.map((n) => ({ alert: n.alertKey, event: n.event.kind, reason: n.event.reason })) }, 'page');
      await paging?.deliver(group, now());
    },
    firing: () => (book ? book.list(NS).filter((a) => a.state.phase === 'firing').map((a) => ({ key: a.alertKey, labels: a.labels, acknowledged: Boolean(a.state.acknowledged), notice: firingNotice(a) })) : []),
    silences: () => silences,
    maintenance: () => maintenance,
    onMuted: (n, reason) => logger.info({ alert: n.alertKey, event: n.event.kind, reason }, 'notice held back'),
  });
  book = createAlertBook(
    store,
    async (n) => {
      logger.warn({ alert: n.alertKey, event: n.event.kind, labels: n.labels, reason: n.event.reason }, `alert ${n.event.kind}`);
      await dispatcher.handle(n, now());
    },
    (err) => logger.error({ err }, 'paging failed'),
  );
  const restored = await book.load(NS);
  paging = await startPaging({ store, logger, namespace: NS, notifications: o.notifications, dataDir: o.dataDir, publicUrl: o.publicUrl, book, now, senders: o.senders });
  const engine = createCheckEngine({ book, namespace: NS, now, onError: (err, check) => logger.error({ err, check }, 'a check failed to run') });
  const reload = async (): Promise<Declared> => {
    const declared = await loadDeclared(store, NS, (name, err) => logger.error({ err, object: name }, 'a stored object no longer validates'));
    engine.setJobs([...declared.checks.map((c) => checkJob(c, o.resolver)), ...declared.rules.map((r) => ruleJob(r, store, NS))], now());
    maintenance = declared.maintenance.map((m) => ({
      name: m.name, matchers: m.matchers.map(parseMatcher), weekly: m.weekly,
      startsAt: m.startsAt ? Date.parse(m.startsAt) : undefined, endsAt: m.endsAt ? Date.parse(m.endsAt) : undefined,
    }));
    silences = await listSilences(store, NS);
    exposures = declared.exposures.flatMap((e) => e.services.map((svc): [string, string] => [e.namespace, svc]));
    await paging!.reload(declared);
    return declared;
  };
  // A config file that declares anything is applied at start, as `micro apply -f` would.
  if (o.fromFile && Object.values(o.fromFile).some((section: unknown) => (Array.isArray(section) ? section.length > 0 : section !== undefined))) {
    const plan = await applyDeclared(store, NS, paging.sealSecrets(o.fromFile), { prune: true, author: 'config file', now: now() });
    logger.info({ plan }, 'applied the declarations of the config file');
  }
  const declared = await reload();
  engine.restorePings(await lastPings(store, NS));
  const tickTimed = async (at: number): Promise<void> => {
    await dispatcher.tick(at);
    await paging!.tick(at);
  };
  let ticker: NodeJS.Timeout | null = null;
  if (!o.manualClock) {
    engine.start();
    let ticking = false;
    ticker = setInterval(() => {
      // One round at a time; sends in flight are the pager's (it never sends one twice).
      if (ticking) return;
      ticking = true;
      tickTimed(now()).catch((err: unknown) => logger.error({ err }, 'alerting tick failed')).finally(() => (ticking = false));
    }, 1000);
    ticker.unref();
  }
  logger.info({ checks: declared.checks.length, rules: declared.rules.length, maintenance: declared.maintenance.length, users: declared.users.length, schedules: declared.schedules.length, policies: declared.policies.length, alertsRestored: restored }, 'alerting engine running');

  return {
    engine,
    book,
    oncall: paging,
    exposures: () => exposures,
    declared: () => loadDeclared(store, NS),
    async tick(at) {
      await engine.runDue(at);
      await tickTimed(at);
      await paging!.settle();
    },
    async apply(desired, opts) {
      const plan = await applyDeclared(store, NS, paging!.sealSecrets(desired), { ...opts, now: now() });
      if (!opts.dryRun) await reload();
      logger.info({ plan, author: opts.author, dryRun: Boolean(opts.dryRun) }, 'configuration applied');
      return plan;
    },
    silences: async () => (silences = await listSilences(store, NS)),
    async addSilence(input) {
      const s = await createSilence(store, NS, input, now());
      silences = await listSilences(store, NS);
      logger.info({ silence: s.id, author: s.author, matchers: input.matchers }, 'silence added');
      return s;
    },
    async expireSilence(id, by) {
      const s = await expireSilence(store, NS, id, by, now());
      silences = await listSilences(store, NS);
      if (s) logger.info({ silence: id, by }, 'silence expired');
      return s;
    },
    async ping(name) {
      if (engine.kindOf(name) !== 'heartbeat') return false;
      const at = now();
      await recordPing(store, NS, name, at);
      return engine.ping(name, at);
    },
    async stop() {
      if (ticker) clearInterval(ticker);
      await engine.stop();
      await paging!.stop();
    },
  };
}
