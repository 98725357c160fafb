// What a namespace scrapes: Prometheus /metrics endpoints (text format or OpenMetrics), like a
// Prometheus scrape_config: targets, interval, timeout, labels, path, scheme and a bearer token.
import { z } from 'zod';
import { objectName } from './fields.js';
import { durationMs } from './units.js';

export const scrapeJobSchema = z
  .object({
    /** The job: the service.name of what is scraped (and the `job` label). */
    job: objectName,
    targets: z
      .array(z.string().regex(/^[A-Za-z0-9._-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/, 'must be host:port'))
      .min(1, 'give at least one target'),
    interval: durationMs(1000).prefault('15s'),
    timeout: durationMs(100).prefault('10s'),
    metricsPath: z.string().startsWith('/').default('/metrics'),
    scheme: z.enum(['http', 'https']).default('http'),
    labels: z.record(z.string(), z.string()).default({}),
    /** Sent as Authorization: Bearer; sealed when applied (never stored in plain text). */
    bearerToken: z.string().min(1).optional(),
    bearerTokenSealed: z.string().regex(/^v1\./, 'is written by the server, not by hand').optional(),
  })
  .strict()
  .superRefine((j, ctx) => {
    if (j.timeout > j.interval)
      ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must not be longer than the interval' });
  });

export type ScrapeJob = z.output<typeof scrapeJobSchema>;
