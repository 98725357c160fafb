// Services a namespace exposes to others (`exposures:` in its declarations). One process alone
// asks the namespaces' running alerting runtimes (current the moment a change is applied); when
// several processes share the store, a namespace's runtime may run in another process, so the
// declarations are read from the store instead, again with every token refresh.
import type { Logger } from 'pino';
import { loadDeclared } from '../alerting/index.js';
import type { Store } from '../store/index.js';

export interface ExposureDirectory {
  /** `[namespace, service]` pairs other namespaces expose to `reader`. */
  sharedWith(reader: string): Array<[string, string]>;
  refresh(namespaces: Iterable<string>): Promise<void>;
}

export function storedExposures(store: Store, logger: Logger): ExposureDirectory {
  /** [owner, reader, service] */
  let pairs: Array<[string, string, string]> = [];
  return {
    sharedWith: (reader) =>
      pairs.filter(([owner, to]) => to === reader && owner !== reader).map(([owner, , svc]) => [owner, svc]),
    async refresh(namespaces) {
      const next: Array<[string, string, string]> = [];
      for (const ns of namespaces) {
        const declared = await loadDeclared(store, ns, (name, err) =>
          logger.error({ err, object: name, namespace: ns }, 'a stored object no longer validates'),
        );
        for (const e of declared.exposures) for (const svc of e.services) next.push([ns, e.namespace, svc]);
      }
      pairs = next;
    },
  };
}
