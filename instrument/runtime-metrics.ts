// Process figures with their semantic-convention names, which `micro stats` reads for every
// runtime: CPU utilization, resident memory, threads and uptime. (GC time and event-loop delay
// come from @opentelemetry/instrumentation-runtime-node.)
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Meter } from '@opentelemetry/api';

function threadCount(): number | null {
  try {
    const m = /^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function registerProcessMetrics(meter: Meter): void {
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  const cpus = availableParallelism();
  meter
    .createObservableGauge('process.cpu.utilization', {
      unit: '1',
      description: 'CPU time used since the last measurement, over the elapsed time and the CPUs available',
    })
    .addCallback((r) => {
      const cpu = process.cpuUsage();
      const at = performance.now();
      const usedMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      const elapsedMs = at - lastAt;
      if (elapsedMs > 0) r.observe(usedMs / elapsedMs / cpus);
      lastCpu = cpu;
      lastAt = at;
    });
  meter
    .createObservableUpDownCounter('process.memory.usage', { unit: 'By', description: 'Resident set size' })
    .addCallback((r) => r.observe(process.memoryUsage.rss()));
  meter
    .createObservableUpDownCounter('process.thread.count', { unit: '{thread}', description: 'Threads of the process' })
    .addCallback((r) => {
      const n = threadCount();
      if (n !== null) r.observe(n);
    });
  meter
    .createObservableGauge('process.uptime', { unit: 's', description: 'Time since the process started' })
    .addCallback((r) => r.observe(process.uptime()));
}
