export { ConfigError, formatIssues, loadConfigFile, resolveServerConfig } from './load.js';
export {
  configFileSchema,
  retentionSchema,
  serverSchema,
  type ServerConfig,
  type ServerConfigInput,
} from './server-schema.js';
export { parseDuration } from './units.js';
export {
  checkSchema,
  checksSchema,
  declaredSilenceSchema,
  declaredSilencesSchema,
  maintenanceListSchema,
  maintenanceSchema,
  ruleSchema,
  rulesSchema,
  silenceInputSchema,
  type CheckConfig,
  type DeclaredSilence,
  type MaintenanceConfig,
  type RuleConfig,
  type SilenceInput,
} from './alerting-schema.js';
export {
  DECLARED_SECTIONS,
  EMPTY_DECLARED,
  declaredCrossIssues,
  declaredPart,
  declaredSchema,
  declaredShape,
  type Declared,
} from './declared-schema.js';
export {
  contactChannel,
  notificationsSchema,
  oncallReferenceIssues,
  overrideInputSchema,
  policySchema,
  routeSchema,
  scheduleSchema,
  userSchema,
  webhookSchema,
  type NotificationsConfig,
  type OverrideConfig,
  type OverrideInput,
  type PolicyConfig,
  type RouteConfig,
  type ScheduleConfig,
  type UserConfig,
  type WebhookConfig,
} from './oncall-schema.js';
export { adminTokenFile, readLocalToken } from './data-dir.js';
export { NAMESPACE_PATTERN, emailAddress, httpUrl, namespaceName } from './fields.js';
export { scrapeJobSchema, type ScrapeJob } from './scrape-schema.js';
