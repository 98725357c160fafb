// The alerting part of the server: the alert book (restored from the event log), the engine
// running the declared checks and rules, and the dispatcher that applies silences, maintenance
// and inhibition before the paging layer. Until the paging layer exists, pages are logged.
import type { Logger } from 'pino';
import {
  applyDeclared, checkJob, createAlertBook, createCheckEngine, createDispatcher, createSilence, expireSilence, listSilences, loadDeclared, parseMatcher, ruleJob,
  type AlertBook, type AlertNotice, type AlertingService, type Declared, type MaintenanceWindow, type Silence,
} from '../alerting/index.js';
import { lastPings, recordPing, type Store } from '../store/index.js';

export interface AlertingHandle extends AlertingService {
  stop(): Promise<void>;
}

const NS = 'default';

export async function startAlerting(store: Store, logger: Logger, fromFile: Declared | null): Promise<AlertingHandle> {
  let silences: Silence[] = await listSilences(store, NS);
  let maintenance: MaintenanceWindow[] = [];
  // `book` is assigned below; the dispatcher reads the firing alerts through it.
  let book: AlertBook | null = null;
  const lastNotice = new Map<string, AlertNotice>();
  const dispatcher = createDispatcher({
    deliver: async (group) => {
      logger.warn({ group: group.key, repeat: group.repeat, alerts: group.notices.map((n) => ({ alert: n.alertKey, event: n.event.kind, reason: n.event.reason })) }, 'page');
    },
    firing: () => (book ? book.list(NS).filter((a) => a.state.phase === 'firing').map((a) => ({ key: a.alertKey, labels: a.labels, acknowledged: Boolean(a.state.acknowledged), notice: lastNotice.get(a.alertKey) ?? null })) : []),
    silences: () => silences,
    maintenance: () => maintenance,
    onMuted: (n, reason) => logger.info({ alert: n.alertKey, event: n.event.kind, reason }, 'notice held back'),
  });
  book = createAlertBook(
    store,
    async (n) => {
      logger.warn({ alert: n.alertKey, event: n.event.kind, labels: n.labels, reason: n.event.reason }, `alert ${n.event.kind}`);
      if (n.event.kind === 'firing') lastNotice.set(n.alertKey, n);
      await dispatcher.handle(n, Date.now());
    },
    (err) => logger.error({ err }, 'paging failed'),
  );
  const restored = await book.load(NS);
  const engine = createCheckEngine({ book, namespace: NS, onError: (err, check) => logger.error({ err, check }, 'a check failed to run') });
  const reload = async (): Promise<Declared> => {
    const declared = await loadDeclared(store, NS, (name, err) => logger.error({ err, object: name }, 'a stored object no longer validates'));
    engine.setJobs([...declared.checks.map(checkJob), ...declared.rules.map((r) => ruleJob(r, store, NS))], Date.now());
    maintenance = declared.maintenance.map((m) => ({
      name: m.name, matchers: m.matchers.map(parseMatcher), weekly: m.weekly,
      startsAt: m.startsAt ? Date.parse(m.startsAt) : undefined, endsAt: m.endsAt ? Date.parse(m.endsAt) : undefined,
    }));
    silences = await listSilences(store, NS);
    return declared;
  };
  // A config file that declares anything is applied at start, as `micro apply -f` would.
  if (fromFile && fromFile.checks.length + fromFile.rules.length + fromFile.maintenance.length + fromFile.silences.length > 0) {
    const plan = await applyDeclared(store, NS, fromFile, { prune: true, author: 'config file', now: Date.now() });
    logger.info({ plan }, 'applied the checks, rules and maintenance windows of the config file');
  }
  const declared = await reload();
  engine.restorePings(await lastPings(store, NS));
  engine.start();
  const ticker = setInterval(() => {
    dispatcher.tick(Date.now()).catch((err: unknown) => logger.error({ err }, 'dispatcher tick failed'));
  }, 1000);
  ticker.unref();
  logger.info({ checks: declared.checks.length, rules: declared.rules.length, maintenance: declared.maintenance.length, alertsRestored: restored }, 'alerting engine running');

  return {
    engine,
    book,
    declared: () => loadDeclared(store, NS),
    async apply(desired, o) {
      const plan = await applyDeclared(store, NS, desired, { ...o, now: Date.now() });
      if (!o.dryRun) await reload();
      logger.info({ plan, author: o.author, dryRun: Boolean(o.dryRun) }, 'configuration applied');
      return plan;
    },
    silences: async () => (silences = await listSilences(store, NS)),
    async addSilence(input) {
      const s = await createSilence(store, NS, input, Date.now());
      silences = await listSilences(store, NS);
      logger.info({ silence: s.id, author: s.author, matchers: input.matchers }, 'silence added');
      return s;
    },
    async expireSilence(id, by) {
      const s = await expireSilence(store, NS, id, by, Date.now());
      silences = await listSilences(store, NS);
      if (s) logger.info({ silence: id, by }, 'silence expired');
      return s;
    },
    async ping(name) {
      if (engine.kindOf(name) !== 'heartbeat') return false;
      const at = Date.now();
      await recordPing(store, NS, name, at);
      return engine.ping(name, at);
    },
    async stop() {
      clearInterval(ticker);
      await engine.stop();
    },
  };
}
