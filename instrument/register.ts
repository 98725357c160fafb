// `node --import micro-observe/register app.js`: hooks ES modules before the app loads them,
// then starts the instrumentation with the OTEL_* environment variables.
import { register } from 'node:module';
import { instrument } from './index.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
instrument();
