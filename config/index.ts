export { ConfigError, formatIssues, loadConfigFile, resolveServerConfig } from './load.js';
export { configFileSchema, retentionSchema, serverSchema, type ServerConfig, type ServerConfigInput } from './server-schema.js';
export { parseDuration } from './units.js';
export {
  checkSchema, checksSchema, declaredSilenceSchema, declaredSilencesSchema, duplicateNameIssues, maintenanceListSchema, maintenanceSchema, ruleSchema, rulesSchema, silenceInputSchema,
  type CheckConfig, type DeclaredSilence, type MaintenanceConfig, type RuleConfig, type SilenceInput,
} from './alerting-schema.js';
