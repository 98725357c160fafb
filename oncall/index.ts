export { addDays, localDate, toInstant, type WallTime } from './local-time.js';
export { shifts, whoIsOnCall, type OnCall, type Override, type Rotation, type Schedule, type Shift, type TimeWindow, type Weekday } from './schedule.js';
export { dueSteps, parseTarget, routeFor, timeline, type DueStep, type EscalationPolicy, type EscalationStep, type Route, type Target } from './escalation.js';
