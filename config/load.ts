import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { declaredCrossIssues, type Declared } from './declared-schema.js';
import { notificationsSchema } from './oncall-schema.js';
import {
  configFileSchema,
  retentionSchema,
  serverSchema,
  type ServerConfig,
  type ServerConfigInput,
} from './server-schema.js';

/** A configuration that does not validate; `problems` name each field (and file line). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

const pathOf = (issue: z.core.$ZodIssue): string => issue.path.map(String).join('.') || '(top level)';

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

/** Each problem as "field.path: message", the form every validation error takes. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((i) => `${prefix}${pathOf(i)}: ${describe(i)}`);
}

/** Reads and validates micro.yaml, naming the field and line of every problem. */
export function loadConfigFile(path: string): z.output<typeof configFileSchema> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read the config file ${path}: ${(err as Error).message}`]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => `${path}: ${e.message}`));
  let raw: unknown;
  try {
    // yaml refuses documents whose aliases expand beyond maxAliasCount (a "billion laughs" file).
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new ConfigError([
      `${path}: ${(err as Error).message.replace(/\.$/, '')}; the file cannot be read as configuration`,
    ]);
  }
  const parsed = configFileSchema.safeParse(raw);
  const cross = declaredCrossIssues(raw, parsed.success ? (parsed.data as Declared) : null);
  if (parsed.success && cross.length === 0) return parsed.data;
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: i.path as Array<string | number>, message: describe(i) }))),
    ...cross,
  ];
  const lineOf = (p: Array<string | number>): number => {
    const node = doc.getIn(p, true) as { range?: [number, number] } | undefined;
    return node?.range ? lines.linePos(node.range[0]).line : 0;
  };
  throw new ConfigError(
    issues
      .map((i) => ({ ...i, line: lineOf(i.path) }))
      .sort((a, b) => a.line - b.line)
      .map(
        (i) => `${path}${i.line ? `:${i.line}` : ''}: ${i.path.map(String).join('.') || '(top level)'}: ${i.message}`,
      ),
  );
}

/** Validates the merged settings (file < environment < flags) into a ServerConfig. */
export function resolveServerConfig(input: ServerConfigInput): ServerConfig {
  const { retention, notifications, ...server } = input;
  const s = serverSchema.safeParse(server);
  const r = retentionSchema.safeParse(retention ?? {});
  const n = notificationsSchema.safeParse(notifications ?? {});
  const problems = [
    ...(s.success ? [] : formatIssues(s.error.issues)),
    ...(r.success ? [] : formatIssues(r.error.issues, 'retention.')),
    ...(n.success ? [] : formatIssues(n.error.issues, 'notifications.')),
  ];
  if (!s.success || !r.success || !n.success) throw new ConfigError(problems);
  return { ...s.data, retention: r.data, notifications: n.data };
}
