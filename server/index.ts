export { createLogger } from './logger.js';
export { startServer, type RunningServer, type StartOptions } from './start.js';
export { schemaStatements } from '../store/index.js';
export { createNamespaces, type Namespaces, type NamespacesOptions } from './namespaces.js';
