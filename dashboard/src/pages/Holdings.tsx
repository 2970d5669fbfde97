import { api, type Account } from '../api';
import { Loading, PageHeader, Problem } from '../components';
import { useAccounts, useResource } from '../data';
import { price, quantity } from '../format';

/** Net quantity and average cost per instrument, one table per account. */
export function HoldingsPage() {
  const { list } = useAccounts();
  return (
    <section>
      <PageHeader title="Holdings" />
      <p className="muted">What each account holds, derived from all of its fills (what a broker calls positions).</p>
      {list.length === 0 && <p className="empty">No accounts yet.</p>}
      {list.map((a) => (
        <AccountHoldings key={a.id} account={a} />
      ))}
    </section>
  );
}

function AccountHoldings({ account }: { account: Account }) {
  const holdings = useResource(() => api.holdings(account.id), [account.id]);
  const rows = holdings.data ?? [];
  const held = rows.filter((h) => /[1-9]/.test(h.net_quantity));
  const flat = rows.length - held.length;
  const titleId = `h-${account.id}`;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {account.name} <span className="muted small">({account.venue}, {account.base_currency})</span>
      </h2>
      <Problem error={holdings.error} retry={holdings.reload} />
      <Loading when={holdings.loading && holdings.data === undefined} />
      {holdings.data !== undefined &&
        (held.length === 0 ? (
          <p className="empty">Nothing held{flat > 0 ? ` (${flat} instrument${flat === 1 ? '' : 's'} traded back to flat)` : ''}.</p>
        ) : (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col">Asset class</th>
                  <th scope="col" className="num">
                    Net quantity
                  </th>
                  <th scope="col" className="num">
                    Average cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {held.map((h) => (
                  <tr key={h.symbol}>
                    <td>{h.symbol}</td>
                    <td>{h.asset_class}</td>
                    <td className="num">{quantity(h.net_quantity)}</td>
                    <td className="num">{price(h.avg_cost)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {flat > 0 && (
              <p className="muted small">
                {flat} more instrument{flat === 1 ? ' was' : 's were'} traded back to flat.
              </p>
            )}
          </>
        ))}
    </section>
  );
}
