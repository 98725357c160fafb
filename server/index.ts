export { createLogger } from './logger.js';
export { startServer, type RunningServer, type StartOptions } from './start.js';
