// Scraping /metrics endpoints ourselves, for services that will never push: each declared job's
// targets are fetched on their interval (Prometheus text format or OpenMetrics), and their series
// go through what every receiver shares, into the otel_metrics_* tables, with `job` and
// `instance` as the resource. Like Prometheus, each scrape also writes `up` (1, or 0 when the
// target did not answer), `scrape_duration_seconds` and `scrape_samples_scraped`.
import type { Logger } from 'pino';
import type { ScrapeJob } from '../../config/index.js';
import { type IngestContext, ingest } from '../ingest.js';
import type { PromMeta, PromSeries } from '../receivers/prometheus/proto.js';
import { writePromSeries } from '../receivers/prometheus/rows.js';
import { parseExposition } from './exposition.js';

export interface ScraperOptions {
  /** Where rows go; null while the server is still starting (the scrape is tried again in a second). */
  ctx: () => IngestContext | null;
  namespace: string;
  logger: Logger;
  now: () => number;
  /** A bearer token as stored (sealed) opened for sending. */
  bearer: (job: ScrapeJob) => string | undefined;
}

export interface Scraper {
  setJobs(jobs: readonly ScrapeJob[]): void;
  /** Scrapes one target once, now (what the timer does; tests call it). */
  scrapeOnce(job: ScrapeJob, target: string): Promise<{ up: boolean; samples: number; error?: string }>;
  stop(): void;
}

const ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const MAX_PAGE = 16 * 1024 * 1024;

const gauge = (_name: string, help: string): PromMeta => ({ type: 'gauge', help, unit: '' });

export function createScraper(o: ScraperOptions): Scraper {
  const timers = new Map<string, NodeJS.Timeout>();
  let fingerprint = '';

  async function scrapeOnce(job: ScrapeJob, target: string) {
    const started = o.now();
    const extra = { ...job.labels, job: job.job, instance: target };
    let series: PromSeries[] = [];
    let error: string | undefined;
    try {
      const headers: Record<string, string> = {
        accept: ACCEPT,
        'x-prometheus-scrape-timeout-seconds': String(job.timeout / 1000),
      };
      const token = o.bearer(job);
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${job.scheme}://${target}${job.metricsPath}`, {
        headers,
        signal: AbortSignal.timeout(job.timeout),
      });
      const text = await res.text();
      if (!res.ok) error = `HTTP ${res.status}`;
      else if (text.length > MAX_PAGE) error = `the page is larger than ${MAX_PAGE} bytes`;
      else series = parseExposition(text, started, extra);
    } catch (err) {
      error =
        (err as { name?: string }).name === 'TimeoutError'
          ? `timed out after ${job.timeout} ms`
          : (err as Error).message;
    }
    const up = error === undefined;
    const own = (name: string, value: number, help: string): PromSeries => ({
      labels: { ...extra, __name__: name },
      samples: [{ value, timestampMs: started }],
      histograms: [],
      meta: gauge(name, help),
    });
    series.push(
      own('up', up ? 1 : 0, '1 if the target answered its last scrape, else 0'),
      own('scrape_duration_seconds', (o.now() - started) / 1000, 'How long the last scrape took'),
      own('scrape_samples_scraped', series.length, 'Samples the last scrape found'),
    );
    const ctx = o.ctx();
    if (!ctx) return { up, samples: 0, error: 'the collector is still starting' };
    const result = await ingest(ctx, 'metrics', 'scrape', `scrape of ${target}`, (rows) =>
      writePromSeries({ series, metadata: new Map() }, o.namespace, rows, () => undefined),
    );
    if (result.kind !== 'ok')
      o.logger.warn({ job: job.job, target, err: result.message }, 'a scrape could not be stored');
    if (!up) o.logger.debug({ job: job.job, target, err: error }, 'scrape failed');
    return { up, samples: series.length - 3, error };
  }

  return {
    scrapeOnce,
    setJobs(jobs) {
      const next = JSON.stringify(jobs);
      if (next === fingerprint) return;
      fingerprint = next;
      for (const t of timers.values()) clearInterval(t);
      timers.clear();
      for (const job of jobs) {
        for (const target of job.targets) {
          const run = () => {
            scrapeOnce(job, target).catch((err: unknown) =>
              o.logger.error({ err, job: job.job, target }, 'scrape failed to run'),
            );
          };
          const t = setInterval(run, job.interval);
          t.unref();
          timers.set(`${job.job}\u0000${target}`, t);
          run();
        }
      }
    },
    stop() {
      for (const t of timers.values()) clearInterval(t);
      timers.clear();
    },
  };
}
