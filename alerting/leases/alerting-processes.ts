// Alerting processes on one store say every few seconds that they are alive. Without Keeper a
// process must be the only one: it refuses to start if another was seen lately (and a process
// with Keeper refuses to start beside one without), rather than page twice.
import { markAlertingProcess, otherAlertingProcesses, type Coordination, type Store } from '../../store/index.js';

export const ALIVE_EVERY_MS = 5000;
/** Seen within this long: still running (three missed marks). */
export const ALIVE_WITHIN_MS = 3 * ALIVE_EVERY_MS + 1000;

export class AnotherAlertingProcess extends Error {}

export interface AlertingProcesses {
  stop(): void;
}

export async function watchAlertingProcesses(
  store: Pick<Store, 'query' | 'insertJson'>,
  instance: string,
  coordination: Coordination,
  onError: (err: unknown) => void,
): Promise<AlertingProcesses> {
  // Marked first, so two processes starting at once both see each other (and both refuse).
  await markAlertingProcess(store, instance, coordination, Date.now());
  const others = await otherAlertingProcesses(store, instance, Date.now() - ALIVE_WITHIN_MS);
  const conflict = others.find((p) => coordination === 'alone' || p.coordination === 'alone');
  if (conflict)
    throw new AnotherAlertingProcess(
      coordination === 'alone'
        ? `another alerting process (${conflict.instance}) uses this store: several alerting processes need --keeper, or they would page twice (or run this one with --role ingest,query)`
        : `an alerting process without --keeper (${conflict.instance}) uses this store: give it --keeper too, or stop it`,
    );
  const timer = setInterval(() => {
    markAlertingProcess(store, instance, coordination, Date.now()).catch(onError);
  }, ALIVE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
