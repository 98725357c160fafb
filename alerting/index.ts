export {
  DEFAULT_POLICY,
  acknowledgeAlert,
  flapRatio,
  initialAlertState,
  nextAlertState,
  resolveAlert,
  type AlertEvent,
  type AlertEventKind,
  type AlertPolicy,
  type AlertState,
  type CheckOutcome,
  type Phase,
  type Step,
} from './state-machine.js';
export { runGrpcCheck, type GrpcCheckSpec } from './checks/grpc-check.js';
export { heartbeatStatus, nextDue, type HeartbeatSpec, type HeartbeatStatus } from './checks/heartbeat.js';
export { runHttpCheck, type HttpCheckSpec } from './checks/http-check.js';
export { runTcpCheck, type TcpCheckSpec } from './checks/tcp-check.js';
export type { CheckResult } from './checks/types.js';
export {
  createAlertBook,
  type AlertBook,
  type AlertNotice,
  type AlertSubject,
  type PagingSink,
  type TrackedAlert,
} from './alert-book.js';
export { createCheckEngine, type CheckEngine, type CheckStatus, type EngineOptions } from './engine.js';
export { checkJob, evaluateRule, ruleJob, spreadOffset, type Job } from './jobs.js';
export { runCheckOnce, type HeartbeatLog } from './run-check.js';
export { createHostResolver, parseHosts, type HostResolver, type HostResolverOptions } from './checks/resolve.js';
export { applyDeclared, loadDeclared, parseDeclared, planApply, type ApplyPlan, type Declared } from './declared.js';
export {
  alertmanagerAlertsSchema,
  fingerprint,
  receiveAlertmanagerAlerts,
  type AlertmanagerAlert,
} from './alertmanager-inbound.js';
export {
  DEFAULT_INHIBIT_RULES,
  WEEKDAYS,
  activeMaintenance,
  activeSilence,
  inWeeklyWindow,
  inhibitingAlert,
  matches,
  minuteOfDay,
  muteReason,
  parseMatcher,
  windowOpen,
  type InhibitRule,
  type MaintenanceWindow,
  type Matcher,
  type MuteContext,
  type Silence,
  type WeeklyWindow,
  type Weekday,
} from './muting.js';
export { createDispatcher, type Dispatcher, type DispatcherOptions, type NoticeGroup } from './dispatcher.js';
export { createSilence, expireSilence, listSilences, silenceState } from './silences.js';
export type { AlertingService } from './service.js';
export {
  SOLE_PROCESS,
  createAlertingRuntime,
  type AlertingRuntime,
  type AlertingRuntimeOptions,
  type NamespaceLease,
  type PagingHandOff,
} from './runtime.js';
export {
  AnotherAlertingProcess,
  keeperLeases,
  soleProcessLeases,
  watchAlertingProcesses,
  type AlertingProcesses,
  type KeeperLeaseOptions,
  type LeaseHolder,
  type LeaseListener,
  type NamespaceLeases,
} from './leases/index.js';
