// The alert lifecycle as a pure function of (state, result, now): no timers, no I/O, so every
// path is tested with an injected clock. Every change is returned as an event with its time and
// reason; the paging layer is told through `notify` which events reach people.
//
//   ok ──failure──▶ pending ──failureThreshold failures (and `for` elapsed)──▶ firing
//   pending ──success──▶ ok (cleared)       firing ──successThreshold successes──▶ ok (resolved)
//   firing ──ack──▶ firing, acknowledged (holds until resolved)
//
// Flapping (Nagios-style weighted state changes over the last results) is damped: a flapping
// alert fires once and does not resolve until the flapping stops, instead of paging on every turn.

export type Phase = 'ok' | 'pending' | 'firing';

export type AlertEventKind =
  | 'pending'
  | 'cleared'
  | 'firing'
  | 'resolved'
  | 'acknowledged'
  | 'flapping-started'
  | 'flapping-stopped';

export interface AlertPolicy {
  /** Consecutive failures before firing (default 1). */
  failureThreshold: number;
  /** Consecutive successes before resolving (default 1). */
  successThreshold: number;
  /** Also require the failure to have lasted this long before firing (Prometheus `for`). */
  forMs: number;
  /** Results kept for flap detection, and the change ratios that start and stop flapping. */
  flapWindow: number;
  flapStart: number;
  flapStop: number;
}

export const DEFAULT_POLICY: AlertPolicy = {
  failureThreshold: 1,
  successThreshold: 1,
  forMs: 0,
  flapWindow: 21,
  flapStart: 0.5,
  flapStop: 0.25,
};

export interface AlertState {
  phase: Phase;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** When the current failure streak began. */
  failingSince: number | null;
  firingSince: number | null;
  /** When it last resolved (null once it fails again, or if it never fired). */
  resolvedAt: number | null;
  acknowledged: { by: string; at: number } | null;
  flapping: boolean;
  /** Recent results, oldest first (true = success). */
  recent: boolean[];
  lastMessage: string;
  lastChangeAt: number;
}

export interface AlertEvent {
  kind: AlertEventKind;
  at: number;
  from: Phase;
  to: Phase;
  reason: string;
  /** Whether people are told (firing and resolved are; the rest are recorded only). */
  notify: boolean;
}

export interface CheckOutcome {
  ok: boolean;
  message: string;
}

export function initialAlertState(now: number): AlertState {
  return {
    phase: 'ok',
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    failingSince: null,
    firingSince: null,
    resolvedAt: null,
    acknowledged: null,
    flapping: false,
    recent: [],
    lastMessage: '',
    lastChangeAt: now,
  };
}

/** Weighted share of state changes in the recent results: later changes weigh more (0.8 → 1.2). */
export function flapRatio(recent: readonly boolean[]): number {
  if (recent.length < 3) return 0;
  let changes = 0;
  let total = 0;
  for (let i = 1; i < recent.length; i++) {
    const weight = 0.8 + (0.4 * (i - 1)) / Math.max(1, recent.length - 2);
    total += weight;
    if (recent[i] !== recent[i - 1]) changes += weight;
  }
  return changes / total;
}

export interface Step {
  state: AlertState;
  events: AlertEvent[];
}

export function nextAlertState(
  prev: AlertState,
  result: CheckOutcome,
  now: number,
  policy: AlertPolicy = DEFAULT_POLICY,
): Step {
  const events: AlertEvent[] = [];
  const s: AlertState = {
    ...prev,
    recent: [...prev.recent, result.ok].slice(-policy.flapWindow),
    lastMessage: result.message,
  };
  const move = (kind: AlertEventKind, to: Phase, reason: string, notify: boolean): void => {
    events.push({ kind, at: now, from: s.phase, to, reason, notify });
    if (to !== s.phase) s.lastChangeAt = now;
    s.phase = to;
  };

  // Flap detection, with hysteresis between the start and stop ratios.
  const ratio = flapRatio(s.recent);
  if (!s.flapping && s.recent.length >= Math.min(policy.flapWindow, 7) && ratio >= policy.flapStart) {
    s.flapping = true;
    events.push({
      kind: 'flapping-started',
      at: now,
      from: s.phase,
      to: s.phase,
      reason: `state changed in ${Math.round(ratio * 100)}% of the last ${s.recent.length} results`,
      notify: false,
    });
  } else if (s.flapping && ratio < policy.flapStop) {
    s.flapping = false;
    events.push({
      kind: 'flapping-stopped',
      at: now,
      from: s.phase,
      to: s.phase,
      reason: `state changes fell to ${Math.round(ratio * 100)}%`,
      notify: false,
    });
  }

  if (result.ok) {
    s.consecutiveSuccesses++;
    s.consecutiveFailures = 0;
    s.failingSince = null;
    if (s.phase === 'pending' && !s.flapping)
      move('cleared', 'ok', `recovered before firing: ${result.message}`, false);
    else if (s.phase === 'firing' && s.consecutiveSuccesses >= policy.successThreshold && !s.flapping) {
      move('resolved', 'ok', `${s.consecutiveSuccesses} consecutive successes: ${result.message}`, true);
      s.firingSince = null;
      s.resolvedAt = now;
      s.acknowledged = null;
    }
  } else {
    s.consecutiveFailures++;
    s.consecutiveSuccesses = 0;
    s.failingSince ??= now;
    s.resolvedAt = null;
    const longEnough = now - s.failingSince >= policy.forMs;
    const confirmed = s.consecutiveFailures >= policy.failureThreshold && longEnough;
    if (s.phase !== 'firing' && (confirmed || s.flapping)) {
      const why =
        s.flapping && !confirmed
          ? `flapping: ${result.message}`
          : `${s.consecutiveFailures} consecutive failures: ${result.message}`;
      move('firing', 'firing', why, true);
      s.firingSince = now;
    } else if (s.phase === 'ok')
      move(
        'pending',
        'pending',
        `failure ${s.consecutiveFailures} of ${policy.failureThreshold}: ${result.message}`,
        false,
      );
  }
  return { state: s, events };
}

/** Acknowledgement holds until the alert resolves; acknowledging a quiet alert does nothing. */
export function acknowledgeAlert(prev: AlertState, by: string, now: number): Step {
  if (prev.phase !== 'firing' || prev.acknowledged) return { state: prev, events: [] };
  return {
    state: { ...prev, acknowledged: { by, at: now } },
    events: [
      { kind: 'acknowledged', at: now, from: 'firing', to: 'firing', reason: `acknowledged by ${by}`, notify: false },
    ],
  };
}

/** Resolves by hand (`micro resolve`), whatever the results say. */
export function resolveAlert(prev: AlertState, by: string, now: number): Step {
  if (prev.phase === 'ok') return { state: prev, events: [] };
  const event: AlertEvent = {
    kind: prev.phase === 'firing' ? 'resolved' : 'cleared',
    at: now,
    from: prev.phase,
    to: 'ok',
    reason: `resolved by ${by}`,
    notify: prev.phase === 'firing',
  };
  return {
    state: {
      ...prev,
      phase: 'ok',
      firingSince: null,
      acknowledged: null,
      consecutiveFailures: 0,
      failingSince: null,
      lastChangeAt: now,
      resolvedAt: prev.phase === 'firing' ? now : prev.resolvedAt,
    },
    events: [event],
  };
}
