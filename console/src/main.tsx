// The console: one page application on the API that already exists. Everything it shows is text
// rendered by Preact (never HTML from telemetry), its links are built here (never from telemetry),
// and it runs under a Content-Security-Policy without inline scripts.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, whenSignedOut, type Me } from './api';
import { setZone, zone } from './format';
import { href, useRoute } from './route';
import { SignIn } from './pages/signin';
import { ServicesPage } from './pages/services';
import { ServicePage } from './pages/service';
import { TracesPage } from './pages/traces';
import { TracePage } from './pages/trace';
import { LogsPage } from './pages/logs';
import { AlertsPage } from './pages/alerts';
import { OnCallPage } from './pages/oncall';
import { AdminPage } from './pages/admin';

const NAV: Array<[string, string]> = [
  ['services', 'Services'],
  ['traces', 'Traces'],
  ['logs', 'Logs'],
  ['alerts', 'Alerts'],
  ['oncall', 'On call'],
  ['admin', 'Admin'],
];

function Page({ me }: { me: Me }) {
  const { path } = useRoute();
  const [section = 'services', id] = path;
  switch (section) {
    case 'services':
      return id ? <ServicePage name={id} me={me} /> : <ServicesPage />;
    case 'traces':
      return id ? <TracePage traceId={id} /> : <TracesPage />;
    case 'logs':
      return <LogsPage />;
    case 'alerts':
      return <AlertsPage me={me} />;
    case 'oncall':
      return <OnCallPage me={me} />;
    case 'admin':
      return <AdminPage me={me} />;
    default:
      return <p class="problem">There is no page {section}.</p>;
  }
}

function App() {
  const [me, setMe] = useState<Me | null | 'unknown'>('unknown');
  const [, setZoneState] = useState(zone());
  const { path } = useRoute();
  useEffect(() => {
    whenSignedOut(() => setMe(null));
    api<Me>('/api/v1/session').then(setMe, () => setMe(null));
  }, []);
  if (me === 'unknown') return <p class="loading">Loading the console…</p>;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  const section = path[0] ?? 'services';
  return (
    <div class="shell">
      <header>
        <a class="brand" href={href(['services'])}>
          micro-observe
        </a>
        <nav>
          {NAV.map(([p, label]) => (
            <a key={p} href={href([p])} class={section === p ? 'on' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who" title={`token: ${me.name}`}>
          {me.namespace} · {me.scope}
        </span>
        <button
          type="button"
          class="link"
          onClick={() => {
            const next = zone() === 'UTC' ? 'local' : 'UTC';
            setZone(next);
            setZoneState(next);
          }}
        >
          {zone() === 'UTC' ? 'UTC' : 'local time'}
        </button>
        <button
          type="button"
          class="link"
          onClick={() => {
            void api('/api/v1/session', { method: 'DELETE' })
              .catch(() => undefined)
              .finally(() => setMe(null));
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        <Page me={me} />
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
