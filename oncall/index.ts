export { addDays, localDate, toInstant, type WallTime } from './local-time.js';
export { shifts, whoIsOnCall, type OnCall, type Override, type Rotation, type Schedule, type Shift, type TimeWindow, type Weekday } from './schedule.js';
