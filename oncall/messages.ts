// What a page says: the email (subject, text and HTML bodies) and the webhook payload
// (Alertmanager's v4 shape with a Slack-compatible `text`), as pure functions of the page.
import { fingerprint } from '../alerting/index.js';

export interface PageLogLine {
  timeMs: number;
  level: string;
  service: string;
  body: string;
}

export interface Page {
  kind: 'firing' | 'resolved' | 'test';
  namespace: string;
  alertKey: string;
  labels: Record<string, string>;
  /** Why it fired (the failing result), or why it resolved. */
  reason: string;
  firedAt: number;
  resolvedAt: number | null;
  /** Who it goes to (null for a webhook channel). */
  recipient: { id: string; name: string; timezone: string } | null;
  /** 0-based step and pass of the escalation policy. */
  step: number;
  pass: number;
  policy: string;
  ackUrl: string | null;
  alertUrl: string;
  logLines: PageLogLine[];
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

const nameOf = (p: Page): string => p.labels.check ?? p.labels.rule ?? p.labels.alertname ?? p.alertKey;
const serviceOf = (p: Page): string => p.labels.service ?? p.namespace;
const status = (p: Page): string => (p.kind === 'test' ? 'TEST' : p.kind === 'firing' ? 'FIRING' : 'RESOLVED');

function localTime(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'long' }).format(ms);
}

function escalationNote(p: Page): string {
  if (p.kind !== 'firing' || (p.step === 0 && p.pass === 0)) return '';
  return ` (escalated: step ${p.step + 1}${p.pass > 0 ? `, repeat ${p.pass}` : ''})`;
}

export function emailSubject(p: Page): string {
  if (p.kind === 'test') return `[TEST] a test page from micro-observe${p.recipient ? ` for ${p.recipient.name}` : ''}`;
  return `[${status(p)}] ${serviceOf(p)}: ${nameOf(p)}${escalationNote(p)}`;
}

function facts(p: Page): Array<[string, string]> {
  const zone = p.recipient?.timezone ?? 'UTC';
  const out: Array<[string, string]> = [
    ['Status', status(p)],
    ['Service', serviceOf(p)],
    ['Alert', nameOf(p)],
  ];
  if (p.kind !== 'test') out.push(['Firing since', localTime(p.firedAt, zone)]);
  if (p.resolvedAt !== null) out.push(['Resolved at', localTime(p.resolvedAt, zone)]);
  out.push([
    p.kind === 'resolved' ? 'Why it resolved' : p.kind === 'test' ? 'Message' : 'Failing result',
    p.reason || '(none given)',
  ]);
  if (p.kind === 'firing')
    out.push([
      'Escalation',
      `policy ${p.policy || '(none)'}, step ${p.step + 1}${p.pass > 0 ? `, repeat ${p.pass}` : ''}`,
    ]);
  const labels = Object.entries(p.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  if (labels) out.push(['Labels', labels]);
  out.push(['Namespace', p.namespace]);
  return out;
}

const logText = (l: PageLogLine): string =>
  `${new Date(l.timeMs).toISOString()} ${l.level.padEnd(5)} ${l.service}: ${l.body.replace(/\s+/g, ' ').slice(0, 500)}`;

export function emailText(p: Page): string {
  const lines = facts(p).map(([k, v]) => `${k}: ${v}`);
  if (p.ackUrl) lines.push('', `Acknowledge (stops the escalation): ${p.ackUrl}`);
  lines.push(`Details: ${p.alertUrl}`);
  if (p.logLines.length > 0)
    lines.push('', `Recent log lines of ${serviceOf(p)}:`, ...p.logLines.map((l) => `  ${logText(l)}`));
  lines.push('', '-- micro-observe');
  return `${lines.join('\n')}\n`;
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function emailHtml(p: Page): string {
  const colour = p.kind === 'firing' ? '#c62828' : p.kind === 'resolved' ? '#2e7d32' : '#1565c0';
  const rows = facts(p)
    .map(
      ([k, v]) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
    )
    .join('');
  const button = p.ackUrl
    ? `<p><a href="${escapeHtml(p.ackUrl)}" style="display:inline-block;padding:10px 18px;background:${colour};color:#fff;text-decoration:none;border-radius:4px">Acknowledge</a></p>`
    : '';
  const logs =
    p.logLines.length > 0
      ? `<h3 style="margin:16px 0 4px">Recent log lines of ${escapeHtml(serviceOf(p))}</h3><pre style="background:#f5f5f5;padding:8px;white-space:pre-wrap">${p.logLines.map((l) => escapeHtml(logText(l))).join('\n')}</pre>`
      : '';
  return `<!doctype html><html><body style="font-family:sans-serif">
<h2 style="color:${colour};margin:0 0 8px">${escapeHtml(emailSubject(p))}</h2>
<table>${rows}</table>
${button}
<p><a href="${escapeHtml(p.alertUrl)}">Details</a></p>
${logs}
<p style="color:#888">micro-observe</p>
</body></html>`;
}

export function emailMessage(p: Page): EmailMessage {
  return { subject: emailSubject(p), text: emailText(p), html: emailHtml(p) };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Alertmanager's webhook payload (version 4), with `text` so a Slack incoming webhook shows it. */
export function webhookPayload(p: Page, receiver: string, externalUrl: string): Record<string, unknown> {
  const state = p.kind === 'resolved' ? 'resolved' : 'firing';
  const summary = `${emailSubject(p)}: ${p.reason}`;
  const text = [
    `*${emailSubject(p)}*`,
    p.reason,
    ...(p.ackUrl ? [`<${p.ackUrl}|Acknowledge>`] : []),
    `<${p.alertUrl}|Details>`,
  ]
    .filter(Boolean)
    .join('\n');
  return {
    version: '4',
    groupKey: `{}:{alertKey="${p.alertKey}"}`,
    truncatedAlerts: 0,
    status: state,
    receiver,
    groupLabels: { alertKey: p.alertKey },
    commonLabels: p.labels,
    commonAnnotations: { summary },
    externalURL: externalUrl,
    alerts: [
      {
        status: state,
        labels: p.labels,
        annotations: { summary, description: p.reason, ...(p.ackUrl ? { acknowledge_url: p.ackUrl } : {}) },
        startsAt: new Date(p.firedAt).toISOString(),
        endsAt: p.resolvedAt !== null ? new Date(p.resolvedAt).toISOString() : ZERO_TIME,
        generatorURL: p.alertUrl,
        fingerprint: fingerprint(p.labels),
      },
    ],
    text,
  };
}
