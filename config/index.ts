export { ConfigError, loadConfigFile, resolveServerConfig } from './load.js';
export { configFileSchema, retentionSchema, serverSchema, type ServerConfig, type ServerConfigInput } from './server-schema.js';
export { parseDuration } from './units.js';
export { checkSchema, checksSchema, duplicateNameIssues, ruleSchema, rulesSchema, type CheckConfig, type RuleConfig } from './alerting-schema.js';
