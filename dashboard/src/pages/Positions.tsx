import { useState } from 'react';
import { api, type Order, type Position } from '../api';
import { AccountSelect, FeesByCurrency, Loading, Money, PageHeader, Problem, Time } from '../components';
import { useAccounts, useResource } from '../data';
import { price, quantity, spansDays, words } from '../format';
import { Link } from '../router';

const protectiveRoles = new Set(['stop_loss', 'take_profit']);

/**
 * Positions with their derived figures. An open position with no working stop-loss or take-profit is
 * marked: protection is derived from the orders list (every order in a working status, grouped by
 * position), so the mark is current without waiting for a reconciliation run.
 */
export function PositionsPage() {
  const [account, setAccount] = useState('');
  const { name } = useAccounts();
  const data = useResource(async () => {
    const [positions, working] = await Promise.all([api.positions(account || undefined), api.workingOrders(account || undefined)]);
    return { positions, protection: protectionByPosition(working) };
  }, [account]);
  const positions = data.data?.positions ?? [];
  const dated = spansDays(positions.flatMap((p) => [p.opened_at, p.closed_at]));
  const unprotected = positions.filter((p) => isUnprotected(p, data.data?.protection));

  return (
    <section>
      <PageHeader title="Positions">
        <Loading when={data.loading && data.data !== undefined}>Updating…</Loading>
      </PageHeader>
      <div className="filters">
        <AccountSelect id="p-account" value={account} onChange={setAccount} allLabel="All accounts" />
      </div>
      <Problem error={data.error} retry={data.reload} />
      <Loading when={data.loading && data.data === undefined} />
      {data.data !== undefined && (
        <>
          {unprotected.length > 0 ? (
            <p className="warning-banner" role="status">
              <span aria-hidden="true">⚠ </span>
              {unprotected.length === 1 ? '1 open position has' : `${unprotected.length} open positions have`} no working stop-loss or take-profit order.
            </p>
          ) : positions.some((p) => p.status !== 'closed') ? (
            <p className="muted">Every open position has a working protective order.</p>
          ) : null}
          <div className="table-wrap">
            <table className="positions">
              <caption className="visually-hidden">Positions</caption>
              <thead>
                <tr>
                  <th scope="col">Signal</th>
                  <th scope="col">Account</th>
                  <th scope="col">Instrument</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Open / target
                  </th>
                  <th scope="col" className="num">
                    Avg entry
                  </th>
                  <th scope="col" className="num">
                    Avg exit
                  </th>
                  <th scope="col" className="num">
                    Realized P&amp;L
                  </th>
                  <th scope="col" className="num">
                    Fees
                  </th>
                  <th scope="col">Opened</th>
                  <th scope="col">Closed</th>
                  <th scope="col">Protection</th>
                </tr>
              </thead>
              <tbody>
                {positions.map((p) => {
                  const bare = isUnprotected(p, data.data?.protection);
                  return (
                    <tr key={p.id} data-position-id={p.id} className={bare ? 'row-warning' : undefined}>
                      <td>
                        <Link to={`/orders?position=${p.id}&account=${p.account_id}`} title="Orders of this position">
                          {p.signal_id}
                        </Link>
                      </td>
                      <td>{name(p.account_id)}</td>
                      <td>
                        {p.symbol} {p.side}
                        {p.multiplier !== '1' && <span className="muted"> ×{quantity(p.multiplier)}</span>}
                      </td>
                      <td>
                        <span className={`pos-status pos-${p.status}`}>{words(p.status)}</span>
                      </td>
                      <td className="num">
                        {quantity(p.qty_open)} / {quantity(p.target_quantity)}
                      </td>
                      <td className="num">{price(p.avg_entry_price)}</td>
                      <td className="num">{price(p.avg_exit_price)}</td>
                      <td className="num">
                        <Money value={p.realized_pnl} /> <span className="muted small">{p.quote_currency}</span>
                      </td>
                      <td className="num">
                        <FeesByCurrency fees={p.fees_by_currency} />
                      </td>
                      <td>
                        <Time iso={p.opened_at} dated={dated} />
                      </td>
                      <td>
                        <Time iso={p.closed_at} dated={dated} />
                      </td>
                      <td>
                        <Protection position={p} roles={data.data?.protection.get(p.id)} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {positions.length === 0 && <p className="empty">No positions.</p>}
          <p className="muted small">
            Protection is derived from the orders: a position with open quantity is unprotected when none of its stop-loss or take-profit orders is in a working status (pending submit, submitted, open,
            partially filled, pending cancel).
          </p>
        </>
      )}
    </section>
  );
}

/** The protective roles with a working order, per position. */
function protectionByPosition(working: Order[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const o of working) {
    if (o.position_id === null || !protectiveRoles.has(o.role)) continue;
    const roles = map.get(o.position_id) ?? new Set<string>();
    roles.add(o.role);
    map.set(o.position_id, roles);
  }
  return map;
}

const isOpen = (p: Position) => /[1-9]/.test(p.qty_open);
const isUnprotected = (p: Position, protection: Map<string, Set<string>> | undefined) => protection !== undefined && isOpen(p) && (protection.get(p.id)?.size ?? 0) === 0;

function Protection({ position, roles }: { position: Position; roles: Set<string> | undefined }) {
  if (!isOpen(position)) return <span className="muted">—</span>;
  if (roles === undefined || roles.size === 0) {
    return (
      <span className="flag-unprotected">
        <span aria-hidden="true">⚠ </span>Unprotected
      </span>
    );
  }
  return <span className="flag-protected">✓ {[...roles].map(words).join(' + ')}</span>;
}
