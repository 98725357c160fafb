// Silences, stored as configuration objects of kind `silence` (never pruned by an apply).
import { randomBytes } from 'node:crypto';
import type { SilenceInput } from '../config/index.js';
import { readConfigObjects, writeConfigObjects, type Store } from '../store/index.js';
import { parseMatcher, type Silence } from './muting.js';

/** Silences added one by one, and those declared in a file (their name is their id). */
export async function listSilences(store: Pick<Store, 'query'>, namespace: string): Promise<Silence[]> {
  const out: Silence[] = [];
  for (const o of await readConfigObjects(store, namespace)) {
    if (o.kind === 'silence') out.push(JSON.parse(o.spec) as Silence);
    else if (o.kind === 'declared-silence') {
      const d = JSON.parse(o.spec) as {
        name: string;
        matchers: string[];
        startsAt: string;
        endsAt: string;
        author: string;
        comment: string;
      };
      out.push({
        id: d.name,
        matchers: d.matchers.map(parseMatcher),
        startsAt: Date.parse(d.startsAt),
        endsAt: Date.parse(d.endsAt),
        author: d.author,
        comment: d.comment,
      });
    }
  }
  return out;
}

export async function createSilence(
  store: Pick<Store, 'insertJson'>,
  namespace: string,
  input: SilenceInput,
  now: number,
): Promise<Silence> {
  const startsAt = input.startsAt ? Date.parse(input.startsAt) : now;
  const endsAt = input.endsAt ? Date.parse(input.endsAt) : startsAt + input.duration!;
  if (endsAt <= startsAt) throw new Error('endsAt: must be after the start');
  const silence: Silence = {
    id: randomBytes(6).toString('hex'),
    matchers: input.matchers.map(parseMatcher),
    startsAt,
    endsAt,
    author: input.author,
    comment: input.comment,
  };
  await writeConfigObjects(
    store,
    namespace,
    [{ kind: 'silence', name: silence.id, spec: JSON.stringify(silence) }],
    input.author,
    now,
  );
  return silence;
}

/** Ends a silence now; an expired silence stays listed, as Alertmanager keeps them. */
export async function expireSilence(
  store: Pick<Store, 'query' | 'insertJson'>,
  namespace: string,
  id: string,
  by: string,
  now: number,
): Promise<Silence | null> {
  const s = (await listSilences(store, namespace)).find((x) => x.id === id);
  if (!s) return null;
  const expired: Silence = { ...s, endsAt: Math.min(s.endsAt, now), startsAt: Math.min(s.startsAt, now) };
  await writeConfigObjects(store, namespace, [{ kind: 'silence', name: id, spec: JSON.stringify(expired) }], by, now);
  return expired;
}

export function silenceState(s: Silence, now: number): 'pending' | 'active' | 'expired' {
  return now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired';
}
