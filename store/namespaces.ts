// The namespaces that hold declared configuration (each gets its alerting part at start).
import type { Store } from './store.js';

export async function configNamespaces(store: Pick<Store, 'query'>): Promise<string[]> {
  const rows = await store.query<{ ns: string }>('SELECT DISTINCT Namespace AS ns FROM micro_config', {});
  return rows.map((r) => r.ns);
}
