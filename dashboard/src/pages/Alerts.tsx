import { type FormEvent, useState } from 'react';
import { type Alert, alertKinds, type AlertSink, type AlertSinkCreate, api, ApiError } from '../api';
import { AccountSelect, Loading, PageHeader, Problem, Time } from '../components';
import { useAccounts, useResource } from '../data';

const pageSize = 50;

/**
 * Recent alerts with the state of each delivery, and where they go: the user's sinks (a signed
 * webhook, Slack, Telegram), each with a "Send test message" button. Secrets are shown as hints.
 */
export function AlertsPage() {
  return (
    <section>
      <PageHeader title="Alerts" />
      <p className="muted">What Fillbook told you, the moment it happened, and whether each message arrived.</p>
      <Sinks />
      <RecentAlerts />
    </section>
  );
}

function RecentAlerts() {
  const [accountId, setAccountId] = useState('');
  const [kind, setKind] = useState('');
  const alerts = useResource(() => api.alerts({ account_id: accountId || undefined, kind: kind || undefined, limit: pageSize }), [accountId, kind]);
  const { name } = useAccounts();
  return (
    <section className="card" aria-labelledby="recent-alerts">
      <h2 id="recent-alerts">Recent alerts</h2>
      <div className="filters">
        <AccountSelect id="alerts-account" value={accountId} onChange={setAccountId} allLabel="All accounts" />
        <div className="field">
          <label htmlFor="alerts-kind">Alert kind</label>
          <select id="alerts-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All kinds</option>
            {alertKinds.map((k) => (
              <option key={k} value={k}>
                {k.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Problem error={alerts.error} retry={alerts.reload} />
      <Loading when={alerts.loading && alerts.data === undefined} />
      {alerts.data !== undefined &&
        (alerts.data.data.length === 0 ? (
          <p className="empty">No alerts{kind === '' ? '' : ' of this kind'}.</p>
        ) : (
          <table aria-label="Alerts">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Account</th>
                <th scope="col">Alert</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {alerts.data.data.map((a) => (
                <AlertRow key={a.id} alert={a} account={name(a.account_id)} onRetried={alerts.reload} />
              ))}
            </tbody>
          </table>
        ))}
      {alerts.data?.next_cursor && <p className="muted small">Showing the newest {pageSize}; the API and `fillbook alerts list` page through the rest.</p>}
    </section>
  );
}

function AlertRow({ alert, account, onRetried }: { alert: Alert; account: string; onRetried(): void }) {
  const [busy, setBusy] = useState(false);
  const failed = alert.deliveries.some((d) => d.status === 'failed');
  const retry = async () => {
    setBusy(true);
    try {
      await api.retryAlert(alert.id);
      onRetried();
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-alert-id={alert.id} data-kind={alert.kind}>
      <td>
        <Time iso={alert.created_at} dated />
      </td>
      <td>{account}</td>
      <td>
        <span className={`severity severity-${alert.severity}`}>{alert.severity}</span> <strong>{alert.title}</strong>
        <div className="muted small alert-text">{alert.text}</div>
      </td>
      <td>
        {alert.deliveries.length === 0 ? (
          <span className="muted">no sink takes it</span>
        ) : (
          <ul className="deliveries">
            {alert.deliveries.map((d) => (
              <li key={d.sink_id} data-delivery-status={d.status}>
                {d.sink_name}: <span className={`status status-${d.status === 'delivered' ? 'done' : d.status === 'failed' ? 'bad' : 'working'}`}>{d.status}</span>
                {d.attempts > 1 && <span className="muted"> after {d.attempts} attempts</span>}
                {d.status === 'pending' && d.attempts > 0 && (
                  <span className="muted">
                    {' '}
                    (next try <Time iso={d.next_attempt_at} />)
                  </span>
                )}
                {d.status !== 'delivered' && d.last_error !== null && <div className="muted small">{d.last_error}</div>}
              </li>
            ))}
          </ul>
        )}
        {failed && (
          <button type="button" className="secondary" onClick={retry} disabled={busy}>
            Retry
          </button>
        )}
      </td>
    </tr>
  );
}

function Sinks() {
  const sinks = useResource(() => api.alertSinks(), [], { live: false });
  const [results, setResults] = useState<Record<string, string>>({});
  const [madeSecret, setMadeSecret] = useState<string | null>(null);
  const test = async (sink: AlertSink) => {
    setResults((r) => ({ ...r, [sink.id]: 'Sending…' }));
    try {
      const outcome = await api.testAlertSink(sink.id);
      setResults((r) => ({ ...r, [sink.id]: outcome.delivered ? 'Test message delivered.' : `Not delivered: ${outcome.error ?? 'unknown error'}` }));
    } catch (e) {
      setResults((r) => ({ ...r, [sink.id]: e instanceof Error ? e.message : String(e) }));
    }
  };
  const toggle = async (sink: AlertSink) => {
    await api.updateAlertSink(sink.id, { enabled: !sink.enabled });
    sinks.reload();
  };
  const remove = async (sink: AlertSink) => {
    if (!confirm(`Remove the sink "${sink.name}"? Its messages not yet sent are dropped.`)) return;
    await api.removeAlertSink(sink.id);
    sinks.reload();
  };
  return (
    <section className="card" aria-labelledby="alert-sinks">
      <h2 id="alert-sinks">Where alerts go</h2>
      <Problem error={sinks.error} retry={sinks.reload} />
      <Loading when={sinks.loading && sinks.data === undefined} />
      {sinks.data !== undefined &&
        (sinks.data.length === 0 ? (
          <p className="empty">No sinks yet: alerts are kept and listed below, but sent nowhere.</p>
        ) : (
          <table aria-label="Alert sinks">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Destination</th>
                <th scope="col">Takes</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {sinks.data.map((s) => (
                <tr key={s.id} data-sink-id={s.id}>
                  <td>
                    {s.name} {!s.enabled && <span className="muted">(off)</span>}
                  </td>
                  <td>{s.kind}</td>
                  <td>
                    <code>{s.url ?? s.chat_id ?? s.secret_hint}</code>
                    {s.kind !== 'slack' && <div className="muted small">secret {s.secret_hint}</div>}
                  </td>
                  <td>{s.kinds === null ? 'every kind' : s.kinds.map((k) => k.replaceAll('_', ' ')).join(', ')}</td>
                  <td>
                    <button type="button" onClick={() => test(s)}>
                      Send test message
                    </button>{' '}
                    <button type="button" className="secondary" onClick={() => toggle(s)}>
                      {s.enabled ? 'Turn off' : 'Turn on'}
                    </button>{' '}
                    <button type="button" className="secondary" onClick={() => remove(s)}>
                      Remove
                    </button>
                    {results[s.id] !== undefined && (
                      <p className="small" role="status">
                        {results[s.id]}
                      </p>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {madeSecret !== null && (
        <p className="notice" role="status">
          The webhook&apos;s signing secret (shown once, keep it): <code>{madeSecret}</code>
        </p>
      )}
      <AddSink
        onAdded={(secret) => {
          setMadeSecret(secret);
          sinks.reload();
        }}
      />
    </section>
  );
}

function AddSink({ onAdded }: { onAdded(secret: string | null): void }) {
  const [kind, setKind] = useState<AlertSinkCreate['kind']>('webhook');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [chatId, setChatId] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: AlertSinkCreate =
        kind === 'webhook' ? { kind, name, url: target } : kind === 'slack' ? { kind, name, webhook_url: target } : { kind, name, bot_token: target, chat_id: chatId };
      const added = await api.addAlertSink(body);
      setName('');
      setTarget('');
      setChatId('');
      onAdded(added.secret ?? null);
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  const targetLabel = kind === 'webhook' ? 'URL' : kind === 'slack' ? 'Incoming-webhook URL' : 'Bot token';
  return (
    <form className="filters" onSubmit={submit} aria-label="Add a sink">
      <div className="field">
        <label htmlFor="sink-kind">Kind</label>
        <select id="sink-kind" value={kind} onChange={(e) => setKind(e.target.value as AlertSinkCreate['kind'])}>
          <option value="webhook">Signed webhook</option>
          <option value="slack">Slack</option>
          <option value="telegram">Telegram</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="sink-name">Name</label>
        <input id="sink-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </div>
      <div className="field">
        <label htmlFor="sink-target">{targetLabel}</label>
        <input id="sink-target" value={target} onChange={(e) => setTarget(e.target.value)} required type={kind === 'webhook' ? 'url' : 'text'} autoComplete="off" />
      </div>
      {kind === 'telegram' && (
        <div className="field">
          <label htmlFor="sink-chat">Chat id</label>
          <input id="sink-chat" value={chatId} onChange={(e) => setChatId(e.target.value)} required placeholder="-1001234567890 or @channel" />
        </div>
      )}
      <button type="submit" disabled={busy}>
        Add sink
      </button>
      <Problem error={error} />
    </form>
  );
}
