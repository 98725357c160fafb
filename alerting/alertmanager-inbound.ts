// Alertmanager's alert JSON (POST /api/v2/alerts), so Prometheus rules route into our alerting
// and on-call: each alert is identified by its labels; it is firing until its endsAt has passed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AlertBook } from './alert-book.js';

export const alertmanagerAlertsSchema = z
  .array(
    z
      .object({
        labels: z
          .record(z.string(), z.string())
          .refine((l) => Object.keys(l).length > 0, 'an alert needs at least one label'),
        annotations: z.record(z.string(), z.string()).default({}),
        startsAt: z.string().datetime({ offset: true }).optional(),
        endsAt: z.string().datetime({ offset: true }).optional(),
        generatorURL: z.string().optional(),
      })
      .passthrough(),
  )
  .max(10_000);

export type AlertmanagerAlert = z.output<typeof alertmanagerAlertsSchema>[number];

/** Alertmanager's identity of an alert: its sorted label set. */
export function fingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export async function receiveAlertmanagerAlerts(
  book: AlertBook,
  namespace: string,
  alerts: AlertmanagerAlert[],
  now: number,
): Promise<{ firing: number; resolved: number }> {
  let firing = 0;
  let resolved = 0;
  for (const a of alerts) {
    const ended = a.endsAt !== undefined && Date.parse(a.endsAt) <= now;
    const name = a.labels.alertname ?? 'alert';
    const summary = a.annotations.summary ?? a.annotations.description ?? a.annotations.message ?? '';
    await book.record(
      {
        namespace,
        key: `am:${name}:${fingerprint(a.labels)}`,
        labels: { source: 'alertmanager', ...a.labels },
        policy: { failureThreshold: 1, successThreshold: 1 },
      },
      { ok: ended, message: `${name}${summary ? `: ${summary}` : ''}${ended ? ' (ended)' : ''}` },
      ended ? Math.min(now, Date.parse(a.endsAt!)) : now,
    );
    if (ended) resolved++;
    else firing++;
  }
  return { firing, resolved };
}
