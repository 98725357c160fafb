// One namespace's alerting runtime: the alert book (restored from the event log), the engine
// running the declared checks and rules, and the dispatcher that applies silences, maintenance and
// inhibition before it hands alerts to paging (the one hand-off, implemented by oncall/). With a
// manual clock nothing runs on timers: `tick(now)` drives checks, dispatcher and pager (tests).
// Whether this process may run the namespace now is asked of one seam, the lease.
import type { Logger } from 'pino';
import { lastPings, recordPing, type Store } from '../store/index.js';
import { createAlertBook, type AlertBook, type AlertNotice, type TrackedAlert } from './alert-book.js';
import { applyDeclared, loadDeclared, type Declared } from './declared.js';
import { createDispatcher, type NoticeGroup } from './dispatcher.js';
import { createCheckEngine } from './engine.js';
import { checkJob, ruleJob } from './jobs.js';
import type { HostResolver } from './checks/resolve.js';
import { parseMatcher, type MaintenanceWindow, type Silence } from './muting.js';
import type { AlertingService } from './service.js';
import { createSilence, expireSilence, listSilences } from './silences.js';

/** What alerting hands to paging: firing, acknowledged and resolved alerts, and the declarations. */
export interface PagingHandOff {
  deliver(group: NoticeGroup, now: number): Promise<void>;
  /** Escalations due at `now`. */
  tick(now: number): Promise<void>;
  /** Waits for pages being sent (a manual clock's tick ends when its pages are out). */
  settle(): Promise<void>;
  reload(declared: Declared): Promise<void>;
  /** The declarations as they may be stored (secrets sealed); throws ConfigError if they cannot be. */
  prepare(declared: Declared): Declared;
  stop(): Promise<void>;
}

/**
 * "May this process run namespace N now?", asked before every round. Always yes with one process;
 * several alerting processes on one store put a lease behind it (the scale-out issue).
 */
export interface NamespaceLease {
  mayRun(namespace: string, now: number): boolean;
}

export const SOLE_PROCESS: NamespaceLease = { mayRun: () => true };

export interface AlertingRuntime extends AlertingService {
  readonly namespace: string;
  /** Services this namespace exposes to others: `[reader namespace, service]`. */
  exposures(): Array<[string, string]>;
  /** Starts the timers (checks, dispatcher, pager), unless the clock is manual. */
  start(): void;
  /** One round of everything timed: due checks, dispatcher repeats, escalations (manual clock). */
  tick(now: number): Promise<void>;
  stop(): Promise<void>;
}

export interface AlertingRuntimeOptions {
  namespace: string;
  store: Store;
  logger: Logger;
  /** Declarations of the config file, applied at start (the `default` namespace's). */
  fromFile: Declared | null;
  now: () => number;
  /** Run nothing on timers; the caller calls `tick(now)`. */
  manualClock?: boolean;
  /** How checks resolve names (c-ares, with their own deadline). */
  resolver: HostResolver;
  /** Told the declarations each time they are loaded (what other parts run from them: scrapes). */
  onDeclared?: (declared: Declared) => void;
  /** Paging for this namespace, given the alert book it pages from. */
  paging: (book: AlertBook) => Promise<PagingHandOff>;
  lease?: NamespaceLease;
}

/** The firing notice of a firing alert, from its state (for repeats, held-back pages and restarts). */
const firingNotice = (a: TrackedAlert): AlertNotice => ({
  namespace: a.namespace,
  alertKey: a.alertKey,
  labels: a.labels,
  state: a.state,
  event: {
    kind: 'firing',
    at: a.state.firingSince ?? a.state.lastChangeAt,
    from: 'pending',
    to: 'firing',
    reason: a.state.lastMessage,
    notify: true,
  },
});

export async function createAlertingRuntime(o: AlertingRuntimeOptions): Promise<AlertingRuntime> {
  const lease = o.lease ?? SOLE_PROCESS;
  const { store, now } = o;
  const NS = o.namespace;
  const logger = o.logger.child({ namespace: NS });
  let silences: Silence[] = await listSilences(store, NS);
  let maintenance: MaintenanceWindow[] = [];
  let exposures: Array<[string, string]> = [];
  // `book` and `paging` are assigned below; the dispatcher reaches them only once they are.
  let book: AlertBook | null = null;
  let paging: PagingHandOff | null = null;
  const dispatcher = createDispatcher({
    deliver: async (group) => {
      logger.warn(
        {
          group: group.key,
          repeat: group.repeat,
          restored: group.restored,
          alerts: group.notices.map((n) => ({ alert: n.alertKey, event: n.event.kind, reason: n.event.reason })),
        },
        'page',
      );
      await paging?.deliver(group, now());
    },
    firing: () =>
      book
        ? book
            .list(NS)
            .filter((a) => a.state.phase === 'firing')
            .map((a) => ({
              key: a.alertKey,
              labels: a.labels,
              acknowledged: Boolean(a.state.acknowledged),
              notice: firingNotice(a),
            }))
        : [],
    silences: () => silences,
    maintenance: () => maintenance,
    onMuted: (n, reason) => logger.info({ alert: n.alertKey, event: n.event.kind, reason }, 'notice held back'),
  });
  book = createAlertBook(
    store,
    async (n) => {
      logger.warn(
        { alert: n.alertKey, event: n.event.kind, labels: n.labels, reason: n.event.reason },
        `alert ${n.event.kind}`,
      );
      await dispatcher.handle(n, now());
    },
    (err) => logger.error({ err }, 'paging failed'),
  );
  const restored = await book.load(NS);
  paging = await o.paging(book);
  const engine = createCheckEngine({
    book,
    namespace: NS,
    now,
    onError: (err, check) => logger.error({ err, check }, 'a check failed to run'),
    mayRun: (at) => lease.mayRun(NS, at),
  });
  const reload = async (): Promise<Declared> => {
    const declared = await loadDeclared(store, NS, (name, err) =>
      logger.error({ err, object: name }, 'a stored object no longer validates'),
    );
    engine.setJobs(
      [...declared.checks.map((c) => checkJob(c, o.resolver)), ...declared.rules.map((r) => ruleJob(r, store, NS))],
      now(),
    );
    maintenance = declared.maintenance.map((m) => ({
      name: m.name,
      matchers: m.matchers.map(parseMatcher),
      weekly: m.weekly,
      startsAt: m.startsAt ? Date.parse(m.startsAt) : undefined,
      endsAt: m.endsAt ? Date.parse(m.endsAt) : undefined,
    }));
    silences = await listSilences(store, NS);
    exposures = declared.exposures.flatMap((e) => e.services.map((svc): [string, string] => [e.namespace, svc]));
    await paging!.reload(declared);
    o.onDeclared?.(declared);
    return declared;
  };
  // A config file that declares anything is applied at start, as `micro apply -f` would.
  if (
    o.fromFile &&
    Object.values(o.fromFile).some((section: unknown) =>
      Array.isArray(section) ? section.length > 0 : section !== undefined,
    )
  ) {
    const plan = await applyDeclared(store, NS, paging.prepare(o.fromFile), {
      prune: true,
      author: 'config file',
      now: now(),
    });
    logger.info({ plan }, 'applied the declarations of the config file');
  }
  const declared = await reload();
  engine.restorePings(await lastPings(store, NS));
  const tickTimed = async (at: number): Promise<void> => {
    await dispatcher.tick(at);
    await paging!.tick(at);
  };
  let ticker: NodeJS.Timeout | null = null;
  let checksRunning = false;
  /** The lease decides each second whether the checks run here; the engine keeps its schedule. */
  const followLease = async (at: number): Promise<boolean> => {
    const may = lease.mayRun(NS, at);
    if (may && !checksRunning) engine.start();
    if (!may && checksRunning) await engine.stop();
    checksRunning = may;
    return may;
  };
  logger.info(
    {
      checks: declared.checks.length,
      rules: declared.rules.length,
      maintenance: declared.maintenance.length,
      users: declared.users.length,
      schedules: declared.schedules.length,
      policies: declared.policies.length,
      alertsRestored: restored,
    },
    'alerting engine ready',
  );

  return {
    namespace: NS,
    engine,
    book,
    exposures: () => exposures,
    declared: () => loadDeclared(store, NS),
    start() {
      if (o.manualClock || ticker) return;
      let ticking = false;
      const round = async (): Promise<void> => {
        const at = now();
        if (await followLease(at)) await tickTimed(at);
      };
      ticker = setInterval(() => {
        // One round at a time; sends in flight are the pager's (it never sends one twice).
        if (ticking) return;
        ticking = true;
        round()
          .catch((err: unknown) => logger.error({ err }, 'alerting tick failed'))
          .finally(() => (ticking = false));
      }, 1000);
      ticker.unref();
      followLease(now()).catch((err: unknown) => logger.error({ err }, 'alerting start failed'));
    },
    async tick(at) {
      if (!lease.mayRun(NS, at)) return;
      await engine.runDue(at);
      await tickTimed(at);
      await paging!.settle();
    },
    async apply(desired, opts) {
      const plan = await applyDeclared(store, NS, paging!.prepare(desired), { ...opts, now: now() });
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
      ticker = null;
      await engine.stop();
      await paging!.stop();
    },
  };
}
