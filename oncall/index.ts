export { addDays, localDate, toInstant, type WallTime } from './local-time.js';
export {
  MAX_SCHEDULE_STEPS,
  SCHEDULE_TIME_LIMIT,
  ScheduleRangeError,
  shifts,
  whoIsOnCall,
  type OnCall,
  type Override,
  type Rotation,
  type Schedule,
  type Shift,
  type TimeWindow,
  type Weekday,
} from './schedule.js';
export {
  MAX_REPEAT,
  MAX_STEPS,
  dueSteps,
  parseTarget,
  routeFor,
  stepRecipients,
  timeline,
  type DueStep,
  type EscalationPolicy,
  type EscalationStep,
  type Route,
  type Target,
} from './escalation.js';
export { buildDirectory, scheduleOf, type ContactMethod, type Directory, type Person } from './directory.js';
export { personCalendar, scheduleCalendar } from './calendar.js';
export {
  emailMessage,
  escapeHtml,
  webhookPayload,
  type EmailMessage,
  type Page,
  type PageLogLine,
} from './messages.js';
export { createPager, type AlertView, type Pager, type PagerOptions } from './pager.js';
export {
  episodeId,
  firingNotificationId,
  plannedFiring,
  plannedResolved,
  type Escalation,
  type PlannedNotification,
} from './paging-plan.js';
export {
  CHANNEL_PLUGINS,
  channelPlugin,
  createChannels,
  messageIdOf,
  postWebhook,
  sendPage,
  smtpSender,
  validateWith,
  type Channel,
  type ChannelContext,
  type ChannelPlugin,
  type Channels,
  type Delivery,
  type OutgoingEmail,
  type SendOutcome,
} from './channels/index.js';
export type { AckOutcome, OnCallService, StoredOverride } from './service.js';
export {
  ackToken,
  ackTokenNamespace,
  feedToken,
  loadSigningKey,
  openSecret,
  sealSecret,
  verifyAckToken,
  verifyFeedToken,
  type AckClaim,
} from './signed-links.js';
export { sendTestPage, testPageRecipients, type TestPageResult } from './test-page.js';
export { onCallWarnings, type OnCallWarning } from './warnings.js';
export { createOnCallRuntime, type OnCallRuntime, type OnCallRuntimeOptions } from './runtime.js';
export {
  handleSlackClick,
  parseSlackClick,
  slackBlocks,
  verifySlackSignature,
  type SlackClickInput,
} from './channels/slack/index.js';
