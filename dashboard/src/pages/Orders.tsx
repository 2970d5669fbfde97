import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, type OrderFilter, orderStatuses, workingStatuses } from '../api';
import { AccountSelect, Loading, OrderStatusText, PageHeader, Problem, Time } from '../components';
import { useAccounts, useResource } from '../data';
import { orderTitle, senderName, spansDays, words } from '../format';
import { Link, navigate, useLocation, withQuery } from '../router';

/** The time range choices; each maps to the API's `since` (orders newer than it). */
const ranges: Record<string, { label: string; ms?: number }> = {
  '': { label: 'Any time' },
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  since: { label: 'Since…' },
};
const pageSizes = [10, 25, 50, 100, 200];
const working = workingStatuses.join(',');

interface Filters {
  account: string;
  status: string;
  symbol: string;
  position: string;
  range: string;
  /** A local date-time (`datetime-local` value) when range is "since". */
  from: string;
  limit: string;
}

function readFilters(q: URLSearchParams): Filters {
  return {
    account: q.get('account') ?? '',
    status: q.get('status') ?? '',
    symbol: q.get('symbol') ?? '',
    position: q.get('position') ?? '',
    range: q.get('range') ?? '',
    from: q.get('from') ?? '',
    limit: q.get('limit') ?? '25',
  };
}

/** `since` for the API, fixed when the filter is applied so paging stays on the same window. */
function sinceOf(f: Filters, appliedAt: number): string | undefined {
  if (f.range === 'since') return f.from === '' ? undefined : new Date(f.from).toISOString();
  const ms = ranges[f.range]?.ms;
  return ms === undefined ? undefined : new Date(appliedAt - ms).toISOString();
}

/** Orders, newest first: filters in the address (so back and reload keep them), paging by cursor. */
export function OrdersPage() {
  const { query } = useLocation();
  const applied = readFilters(query);
  const key = query.toString();
  const [draft, setDraft] = useState<Filters>(applied);
  const [cursors, setCursors] = useState<string[]>([]);
  const [appliedAt, setAppliedAt] = useState(() => Date.now());
  const { name } = useAccounts();

  // A new filter (from the form, a link or back/forward) starts again at the first page.
  const shownKey = useRef(key);
  useEffect(() => {
    if (shownKey.current === key) return;
    shownKey.current = key;
    setDraft(readFilters(new URLSearchParams(key)));
    setCursors([]);
    setAppliedAt(Date.now());
  }, [key]);

  const cursor = cursors.at(-1);
  const filter: OrderFilter = {
    account_id: applied.account || undefined,
    status: applied.status || undefined,
    symbol: applied.symbol.trim().toUpperCase() || undefined,
    position_id: applied.position || undefined,
    since: sinceOf(applied, appliedAt),
    limit: Number(applied.limit) || 25,
    cursor,
  };
  const orders = useResource(() => api.orders(filter), [JSON.stringify(filter)]);
  const positions = useResource(() => api.positions(draft.account || undefined), [draft.account], { live: false });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(withQuery('/orders', { ...draft, symbol: draft.symbol.trim().toUpperCase(), from: draft.range === 'since' ? draft.from : '', limit: draft.limit === '25' ? '' : draft.limit }));
    setCursors([]);
    setAppliedAt(Date.now());
  };
  const set = (patch: Partial<Filters>) => setDraft((d) => ({ ...d, ...patch }));
  const page = orders.data;
  const filtered = Object.entries(applied).some(([k, v]) => k !== 'limit' && v !== '');
  const dated = page !== undefined && spansDays(page.data.map((o) => o.created_at));

  return (
    <section>
      <PageHeader title="Orders">
        <Loading when={orders.loading && page !== undefined}>Updating…</Loading>
      </PageHeader>

      <form className="filters" onSubmit={submit} aria-label="Order filters">
        <AccountSelect id="f-account" value={draft.account} onChange={(account) => set({ account, position: '' })} allLabel="All accounts" />
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={draft.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any status</option>
            <option value={working}>Working (not done yet)</option>
            {orderStatuses.map((s) => (
              <option key={s} value={s}>
                {words(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-symbol">Symbol</label>
          <input id="f-symbol" value={draft.symbol} onChange={(e) => set({ symbol: e.target.value })} placeholder="e.g. AAPL" size={10} autoCapitalize="characters" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="f-position">Position</label>
          <select id="f-position" value={draft.position} onChange={(e) => set({ position: e.target.value })}>
            <option value="">Any position</option>
            {draft.position !== '' && !positions.data?.some((p) => p.id === draft.position) && <option value={draft.position}>{draft.position.slice(0, 8)}…</option>}
            {(positions.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.symbol} {p.side} · {p.signal_id}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-range">Time range</label>
          <select id="f-range" value={draft.range} onChange={(e) => set({ range: e.target.value })}>
            {Object.entries(ranges).map(([value, r]) => (
              <option key={value} value={value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        {draft.range === 'since' && (
          <div className="field">
            <label htmlFor="f-from">From (your time)</label>
            <input id="f-from" type="datetime-local" step={1} value={draft.from} onChange={(e) => set({ from: e.target.value })} />
          </div>
        )}
        <div className="field">
          <label htmlFor="f-limit">Per page</label>
          <select id="f-limit" value={draft.limit} onChange={(e) => set({ limit: e.target.value })}>
            {pageSizes.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div className="field actions">
          <button type="submit">Apply filters</button>
          {filtered && (
            <button type="button" className="secondary" onClick={() => navigate('/orders')}>
              Clear
            </button>
          )}
        </div>
      </form>

      <Problem error={orders.error} retry={orders.reload} />
      <Loading when={orders.loading && page === undefined} />
      {page !== undefined && (
        <>
          <div className="table-wrap">
            <table className="orders">
              <caption className="visually-hidden">Orders, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Account</th>
                  <th scope="col">Order</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sent by</th>
                  <th scope="col">What happened</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((o) => (
                  <tr key={o.id} data-order-id={o.id}>
                    <td>
                      <Time iso={o.created_at} dated={dated} />
                    </td>
                    <td>{name(o.account_id)}</td>
                    <td>
                      <Link to={`/orders/${o.id}`}>{orderTitle(o)}</Link>
                    </td>
                    <td>{words(o.role)}</td>
                    <td data-sent-by={o.sent_by}>{senderName(o.sent_by)}</td>
                    <td>
                      <OrderStatusText order={o} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {page.data.length === 0 && <p className="empty">{filtered ? 'No order matches these filters.' : 'No orders yet.'}</p>}
          <nav className="pager" aria-label="Pages">
            <button type="button" className="secondary" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
              ← Newer
            </button>
            <span className="muted">Page {cursors.length + 1}</span>
            <button type="button" className="secondary" disabled={page.next_cursor === null} onClick={() => setCursors((c) => [...c, page.next_cursor!])}>
              Older →
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
