export { keeperLeases, type KeeperLeaseOptions } from './keeper.js';
export { soleProcessLeases, type LeaseHolder, type LeaseListener, type NamespaceLeases } from './lease.js';
export { AnotherAlertingProcess, watchAlertingProcesses, type AlertingProcesses } from './alerting-processes.js';
