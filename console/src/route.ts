// The view lives in the URL's hash (#/traces?service=a&since=1h): links can be shared, Back works,
// and the server needs no route per page.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [p = '', q = ''] = hash.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A hash link: `href('traces', traceId)` with a query. */
export function href(path: Array<string>, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${s ? `?${s}` : ''}`;
}

/** Replaces query values of the current view (undefined removes one). */
export function setQuery(changes: Record<string, string | undefined>): void {
  const r = currentRoute();
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') r.query.delete(k);
    else r.query.set(k, v);
  }
  const s = r.query.toString();
  location.hash = `#/${r.path.map(encodeURIComponent).join('/')}${s ? `?${s}` : ''}`;
}
