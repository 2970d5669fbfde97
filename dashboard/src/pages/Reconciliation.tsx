import { useEffect, useRef, useState } from 'react';
import { api, type Finding, findingCategories, type FindingCategory, reconciliationActions, type ReconciliationAction, type ReconciliationRun } from '../api';
import { AccountSelect, Loading, PageHeader, Problem, Time } from '../components';
import { useAccounts, useResource } from '../data';
import { spansDays, when, words } from '../format';
import { Link } from '../router';

const categories: Record<Exclude<FindingCategory, 'matched'>, { title: string; about: string }> = {
  missing_at_broker: { title: 'Missing at the broker', about: 'Working in the ledger, but closed or unknown at the broker. Fixed by “clear invalid”.' },
  orphaned_at_broker: { title: 'Orphaned at the broker', about: 'Working at the broker, unknown to the ledger. Fixed by “adopt orphaned” or “cancel orphaned”.' },
  fill_mismatch: { title: 'Fill mismatch', about: 'The broker reports a different filled quantity. Fixed by “import fills” when the broker has more.' },
  status_mismatch: { title: 'Status mismatch', about: 'Ledger and broker disagree on the status. Fixed by “clear invalid”, or “cancel orphaned” when the ledger closed an order the broker still works.' },
  stuck_submission: { title: 'Stuck submission', about: 'Sent long ago and never acknowledged. Fixed by “clear invalid”.' },
  holding_mismatch: { title: 'Holding mismatch', about: 'The net quantity differs from the broker’s. Reported only; the other repairs may explain it.' },
  unprotected_position: { title: 'Unprotected position', about: 'An open position without a working stop-loss or take-profit. Reported only.' },
  unparsed_venue_item: { title: 'Unreadable venue item', about: 'An order, fill or position the venue holds that Fillbook cannot read yet; kept raw (GET /v1/venue-items). Reported only.' },
};

/** The categories whose findings each action can repair. */
const repairs: Record<ReconciliationAction, readonly FindingCategory[]> = {
  clear_invalid: ['missing_at_broker', 'stuck_submission', 'status_mismatch'],
  cancel_orphaned: ['orphaned_at_broker', 'status_mismatch'],
  adopt_orphaned: ['orphaned_at_broker'],
  import_fills: ['fill_mismatch'],
};

const actions: Record<ReconciliationAction, string> = {
  clear_invalid: 'Bring orders the broker closed, refused or never received to the broker’s state.',
  cancel_orphaned: 'Cancel at the broker the orders the ledger does not know, or has already closed.',
  adopt_orphaned: 'Record in the ledger the broker’s working orders it does not know (with their fills).',
  import_fills: 'Record the fills the broker reports and the ledger lacks.',
};

/** Dry runs, their findings by category, chosen repairs applied after a confirmation, and past runs. */
export function ReconciliationPage() {
  const { list } = useAccounts();
  const [chosenAccount, setChosenAccount] = useState('');
  const account = chosenAccount || list.find((a) => a.venue !== 'manual')?.id || list[0]?.id || '';
  const [shown, setShown] = useState<ReconciliationRun>();
  const [chosen, setChosen] = useState<Set<ReconciliationAction>>(new Set());
  const [busy, setBusy] = useState<'dry' | 'apply' | 'view' | null>(null);
  const [error, setError] = useState<Error>();
  const runs = useResource(() => api.reconciliations(account), [account], { skip: account === '', live: false });
  // Read again after every run: a run halts or releases the account's new entries (fail closed).
  const state = useResource(() => api.account(account), [account, runs.data], { skip: account === '', live: false });
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    setShown(undefined);
    setChosen(new Set());
    setError(undefined);
  }, [account]);

  const act = async (kind: 'dry' | 'apply' | 'view', work: () => Promise<ReconciliationRun>) => {
    setBusy(kind);
    setError(undefined);
    try {
      setShown(await work());
      if (kind !== 'view') runs.reload();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(null);
    }
  };
  const dryRun = () => act('dry', () => api.reconcile(account, []));
  const apply = () => {
    dialog.current?.close();
    const picked = reconciliationActions.filter((a) => chosen.has(a));
    void act('apply', () => api.reconcile(account, picked)).then(() => setChosen(new Set()));
  };
  const toggle = (a: ReconciliationAction) =>
    setChosen((s) => {
      const next = new Set(s);
      if (next.has(a)) next.delete(a);
      else next.add(a);
      return next;
    });
  const accountName = list.find((a) => a.id === account)?.name ?? '';

  return (
    <section>
      <PageHeader title="Reconciliation" />
      <p className="muted">Compare the ledger with the broker. A dry run changes nothing; repairs are applied only when you choose them and confirm.</p>
      <div className="filters">
        <AccountSelect id="r-account" value={account} onChange={setChosenAccount} />
        <div className="field actions">
          <button type="button" onClick={dryRun} disabled={account === '' || busy !== null}>
            {busy === 'dry' ? 'Running…' : 'Run a dry run'}
          </button>
        </div>
      </div>
      {state.data?.observe_only === true && (
        <p className="notice" role="status">
          Observe-only: Fillbook reads and reconciles this account but never places or cancels at the broker (the bot sends its own orders).
        </p>
      )}
      {state.data?.halted != null && (
        <p className="warning-banner" role="alert" data-testid="halted">
          ⛔ New entries are held back (fail closed) since <Time iso={state.data.halted.halted_at} dated />: the latest run left{' '}
          {Object.entries(state.data.halted.findings).map(([c, n]) => `${n} ${words(c)}`).join(', ')} unresolved. Exits, stop-losses and take-profits still pass. Repair and run
          again to release it.
        </p>
      )}
      <Problem error={error} />
      {busy === 'view' && <Loading when>Opening the run…</Loading>}
      {shown !== undefined && <RunView run={shown} />}

      <fieldset className="card repair" disabled={shown === undefined || busy !== null}>
        <legend>Repairs</legend>
        {shown === undefined && <p className="muted small">Run a dry run (or open a past run) first, to see what the repairs would touch.</p>}
        {reconciliationActions.map((a) => (
          <div className="check" key={a}>
            <input type="checkbox" id={`act-${a}`} checked={chosen.has(a)} onChange={() => toggle(a)} />
            <label htmlFor={`act-${a}`}>
              <strong>{words(a)}</strong> <span className="muted">— {actions[a]}</span>
              {shown !== undefined && <span className="touches"> {touches(shown, a)}</span>}
            </label>
          </div>
        ))}
        <button type="button" className="danger" disabled={chosen.size === 0} onClick={() => dialog.current?.showModal()}>
          {busy === 'apply' ? 'Applying…' : 'Apply chosen repairs…'}
        </button>
      </fieldset>

      <dialog ref={dialog} aria-labelledby="confirm-title" className="confirm">
        <h2 id="confirm-title">Apply repairs to {accountName}?</h2>
        <p>A new run compares the ledger with the broker again and applies:</p>
        <ul>
          {reconciliationActions
            .filter((a) => chosen.has(a))
            .map((a) => (
              <li key={a}>
                <strong>{words(a)}</strong> — {actions[a]}
              </li>
            ))}
        </ul>
        <p>This changes the ledger{chosen.has('cancel_orphaned') ? ' and cancels orders at the broker' : ''}. It cannot be undone, but every change is kept in the audit trail.</p>
        <div className="dialog-buttons">
          <button type="button" className="secondary" onClick={() => dialog.current?.close()} autoFocus>
            Go back
          </button>
          <button type="button" className="danger" onClick={apply}>
            Apply repairs
          </button>
        </div>
      </dialog>


      <section aria-labelledby="runs-title">
        <h2 id="runs-title">Past runs</h2>
        <Problem error={runs.error} retry={runs.reload} />
        <Loading when={runs.loading && runs.data === undefined} />
        {runs.data !== undefined && runs.data.length === 0 && <p className="empty">No runs for this account yet.</p>}
        {runs.data !== undefined && runs.data.length > 0 && (
          <div className="table-wrap">
            <table className="runs">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">By</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">Found</th>
                  <th scope="col">
                    <span className="visually-hidden">Open</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.data.map((r) => (
                  <tr key={r.id} className={shown?.id === r.id ? 'row-selected' : undefined}>
                    <td>
                      <Time iso={r.started_at} dated={spansDays((runs.data ?? []).map((x) => x.started_at))} />
                    </td>
                    <td>{r.started_by}</td>
                    <td>{r.dry_run ? 'Dry run' : `Repair: ${r.actions.map(words).join(', ')}`}</td>
                    <td>{r.status === 'failed' ? `failed: ${r.error ?? ''}` : r.status}</td>
                    <td>{summaryText(r)}</td>
                    <td>
                      <button type="button" className="link" onClick={() => act('view', () => api.reconciliation(r.id))} disabled={busy !== null} aria-label={`Open the run of ${when(r.started_at)}`}>
                        Open
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}

/** "(1 missing at the broker)": what of the shown run the action would look at. */
function touches(run: ReconciliationRun, action: ReconciliationAction): string {
  const counts = repairs[action]
    .map((c) => [c, (run.findings ?? []).filter((f) => f.category === c).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${categories[c as Exclude<FindingCategory, 'matched'>].title.toLowerCase()}`);
  return counts.length === 0 ? '(nothing in this run)' : `(${counts.join(', ')})`;
}

function summaryText(run: ReconciliationRun): string {
  const found = findingCategories.filter((c) => (run.summary[c] ?? 0) > 0).map((c) => `${run.summary[c]} ${categories[c].title.toLowerCase()}`);
  const parts = [found.length === 0 ? 'nothing wrong' : found.join(', ')];
  if ((run.summary.repaired ?? 0) > 0) parts.push(`${run.summary.repaired} repaired`);
  return parts.join('; ');
}

function RunView({ run }: { run: ReconciliationRun }) {
  const findings = run.findings ?? [];
  const groups = findingCategories.map((c) => [c, findings.filter((f) => f.category === c)] as const).filter(([, fs]) => fs.length > 0);
  return (
    <section className="card run" aria-labelledby="run-title">
      <h2 id="run-title">
        {run.dry_run ? 'Dry run' : `Repair run (${run.actions.map(words).join(', ')})`} of {when(run.started_at)}
      </h2>
      <p className="muted">
        Started by {run.started_by} · {run.status}
        {run.error ? `: ${run.error}` : ''} · {run.summary.matched ?? 0} matched
        {(run.summary.deferred ?? 0) > 0 ? ` · ${run.summary.deferred} left for the next run (changed too recently)` : ''}
        {(run.summary.repaired ?? 0) > 0 ? ` · ${run.summary.repaired} repaired` : ''}
      </p>
      {groups.length === 0 && <p className="ok">Nothing to report: the ledger agrees with the broker.</p>}
      {groups.map(([category, fs]) => (
        <section key={category} className="finding-group" aria-labelledby={`g-${category}`} data-category={category}>
          <h3 id={`g-${category}`}>
            {categories[category].title} ({fs.length})
          </h3>
          <p className="muted small">{categories[category].about}</p>
          <table className="findings">
            <thead>
              <tr>
                <th scope="col" className="w-order">
                  Order
                </th>
                <th scope="col" className="w-symbol">
                  Symbol
                </th>
                <th scope="col">Details</th>
                <th scope="col" className="w-action">
                  Action taken
                </th>
              </tr>
            </thead>
            <tbody>
              {fs.map((f) => (
                <tr key={f.seq}>
                  <td>
                    <FindingOrder f={f} />
                  </td>
                  <td>{f.symbol ?? '—'}</td>
                  <td>
                    <Details details={f.details} />
                  </td>
                  <td>{f.action_taken ?? <span className="muted">{run.dry_run ? 'none (dry run)' : 'none'}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}

function FindingOrder({ f }: { f: Finding }) {
  const broker = f.broker_order_id ? <span className="muted small"> broker {f.broker_order_id}</span> : null;
  if (f.order_id !== null)
    return (
      <>
        <Link to={`/orders/${f.order_id}`}>order {f.order_id.slice(0, 8)}</Link>
        {broker}
      </>
    );
  return broker ?? <span className="muted">—</span>;
}

function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="details">
      {entries.map(([k, v]) => (
        <li key={k}>
          <span className="muted">{words(k)}:</span> {typeof v === 'string' ? (k.endsWith('status') || k === 'reason' ? words(v) : v) : JSON.stringify(v)}
        </li>
      ))}
    </ul>
  );
}
