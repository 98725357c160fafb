export {
  DEFAULT_POLICY, acknowledgeAlert, flapRatio, initialAlertState, nextAlertState, resolveAlert,
  type AlertEvent, type AlertEventKind, type AlertPolicy, type AlertState, type CheckOutcome, type Phase, type Step,
} from './state-machine.js';
