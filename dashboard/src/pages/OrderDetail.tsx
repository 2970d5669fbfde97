import { useState } from 'react';
import { ApiError, api, isWorking, type OrderDetail } from '../api';
import { FeesByCurrency, Loading, OrderStatusText, Problem, Time } from '../components';
import { useAccounts, useResource } from '../data';
import { clock, eventSentence, lag, legName, money, orderTitle, price, quantity, quarantineKindName, senderName, sourceName, spansDays, words } from '../format';
import { Link } from '../router';

/** One order: its fields, its fills and its audit trail as a timeline. */
export function OrderDetailPage({ id }: { id: string }) {
  const order = useResource(() => api.order(id), [id]);
  const o = order.data;
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/orders">← Orders</Link>
      </p>
      {order.error instanceof ApiError && order.error.status === 404 ? (
        <>
          <h1>Order not found</h1>
          <p>There is no order {id} in your accounts.</p>
        </>
      ) : (
        <Problem error={order.error} retry={order.reload} />
      )}
      <Loading when={order.loading && o === undefined} />
      {o !== undefined && o.id === id && <Detail o={o} reload={order.reload} />}
    </section>
  );
}

function Detail({ o, reload }: { o: OrderDetail; reload(): void }) {
  const { name } = useAccounts();
  const fields: Array<[string, React.ReactNode]> = [
    ['Account', name(o.account_id)],
    ['Symbol', o.legs === null ? `${o.symbol} (${o.asset_class})` : `${o.symbol} (a spread of ${o.legs.length} legs, below)`],
    ['Side', o.side],
    ['Type', words(o.type)],
    ['Time in force', o.time_in_force.toUpperCase()],
    ['Quantity', o.legs === null ? quantity(o.quantity) : `${quantity(o.quantity)} units`],
    ['Limit price', price(o.limit_price)],
    ['Stop price', price(o.stop_price)],
    ['Filled', quantity(o.qty_filled)],
    ['Remaining', quantity(o.qty_remaining)],
    ['Average fill price', price(o.avg_fill_price)],
    ['Fees', <FeesByCurrency key="fees" fees={o.fees_by_currency ?? (o.fees === '0' ? {} : { [o.fee_currency ?? o.quote_currency ?? '']: o.fees })} />],
    ...(o.recorded_fees !== undefined && o.recorded_fees.length > 0
      ? ([
          [
            'Fees reported later',
            <ul key="late" className="plain-list">
              {o.recorded_fees.map((f) => (
                <li key={f.fee_id} data-fee-id={f.fee_id}>
                  {quantity(f.amount)} {f.currency} {f.kind ?? ''} {f.exec_id === null ? '' : `(fill ${f.exec_id})`} <Time iso={f.charged_at} />
                </li>
              ))}
            </ul>,
          ],
        ] as Array<[string, React.ReactNode]>)
      : []),
    ['Role', words(o.role)],
    ['Sent by', senderName(o.sent_by)],
    ['Origin', o.origin],
    [
      'Position',
      o.position_id === null ? '—' : (
        <Link key="pos" to={`/orders?position=${o.position_id}&account=${o.account_id}`}>
          orders of this position
        </Link>
      ),
    ],
    ['Client order id', <code key="coid">{o.client_order_id}</code>],
    ['Broker order id', o.broker_order_id === null ? '—' : <code key="boid">{o.broker_order_id}</code>],
    ['Ledger id', <code key="id">{o.id}</code>],
    ['Status reason', o.status_reason ?? '—'],
    ['Retries', String(o.retry_count)],
  ];
  const times: Array<[string, string | null]> = [
    ['Created', o.created_at],
    ['Submitted', o.submitted_at],
    ['Accepted', o.accepted_at],
    ['First fill', o.first_fill_at],
    ['Last fill', o.last_fill_at],
    ['Completed', o.completed_at],
    ['Canceled', o.canceled_at],
    ['First failure', o.first_failed_at],
    ['Last retry', o.last_retry_at],
    ['Amended', o.amended_at],
    ['Detected', o.detected_at],
    ['Last status check', o.last_status_check_at],
    ['Updated', o.updated_at],
  ];

  const fillsDated = spansDays(o.fills.flatMap((f) => [f.executed_at, f.received_at]));
  const eventsDated = spansDays(o.events.map((e) => e.at));
  const quarantineDated = spansDays(o.quarantined_fills.map((q) => q.received_at));

  return (
    <>
      <div className="page-header">
        <h1>{orderTitle(o)}</h1>
        {isWorking(o.status) && <CancelOrder id={o.id} pending={o.status === 'pending_cancel'} done={reload} />}
      </div>
      <p className="lead">
        <OrderStatusText order={o} />
      </p>

      <div className="columns">
        <section className="card" aria-labelledby="fields-title">
          <h2 id="fields-title">Order</h2>
          <dl className="fields">
            {fields.map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="card" aria-labelledby="times-title">
          <h2 id="times-title">Lifecycle</h2>
          <dl className="fields">
            {times
              .filter(([, iso]) => iso !== null)
              .map(([label, iso]) => (
                <div key={label}>
                  <dt>{label}</dt>
                  <dd>
                    <Time iso={iso} />
                  </dd>
                </div>
              ))}
          </dl>
        </section>
      </div>

      {o.legs !== null && (
        <section aria-labelledby="legs-title">
          <h2 id="legs-title">Legs ({o.legs.length})</h2>
          <p className="empty">Quantities above count units (spreads); each leg trades its ratio per unit.</p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Leg</th>
                  <th scope="col">Symbol</th>
                  <th scope="col">Side</th>
                  <th scope="col" className="num">
                    Ratio
                  </th>
                  <th scope="col" className="num">
                    Filled
                  </th>
                  <th scope="col" className="num">
                    Average price
                  </th>
                </tr>
              </thead>
              <tbody>
                {o.legs.map((l, i) => (
                  <tr key={l.symbol}>
                    <td>{i + 1}</td>
                    <td>
                      <code>{l.symbol}</code> ({l.asset_class})
                    </td>
                    <td>
                      {l.side}
                      {l.position_effect === null ? '' : ` to ${l.position_effect}`}
                    </td>
                    <td className="num">{quantity(l.ratio)}</td>
                    <td className="num">{quantity(l.qty_filled)}</td>
                    <td className="num">{price(l.avg_fill_price)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <section aria-labelledby="fills-title">
        <h2 id="fills-title">Fills ({o.fills.length})</h2>
        {o.fills.length === 0 ? (
          <p className="empty">No fills.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Executed</th>
                  {o.legs !== null && <th scope="col">Leg</th>}
                  <th scope="col" className="num">
                    Quantity
                  </th>
                  <th scope="col" className="num">
                    Price
                  </th>
                  <th scope="col" className="num">
                    Fee
                  </th>
                  <th scope="col">Liquidity</th>
                  <th scope="col">Exec id</th>
                  <th scope="col">Reported by</th>
                  <th scope="col">Received</th>
                </tr>
              </thead>
              <tbody>
                {o.fills.map((f) => (
                  <tr key={f.id}>
                    <td>
                      <Time iso={f.executed_at} dated={fillsDated} />
                    </td>
                    {o.legs !== null && <td data-leg={f.leg ?? ''}>{legName(o, f.leg) ?? '—'}</td>}
                    <td className="num">{quantity(f.quantity)}</td>
                    <td className="num">{price(f.price)}</td>
                    <td className="num">
                      {money(f.fee)}
                      {f.fee_currency ? ` ${f.fee_currency}` : ''}
                    </td>
                    <td>{f.liquidity ?? '—'}</td>
                    <td>
                      <code>{f.exec_id}</code>
                    </td>
                    <td>{sourceName(f.source)}</td>
                    <td>
                      <Time iso={f.received_at} dated={fillsDated} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {o.quarantined_fills.length > 0 && (
        <section aria-labelledby="quarantine-title">
          <h2 id="quarantine-title">Quarantined fills ({o.quarantined_fills.length})</h2>
          <p className="empty">Reported for this order but not applied: kept for review (reconciliation can import what the broker confirms).</p>
          <div className="table-wrap">
            <table className="quarantine">
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Why</th>
                  {o.legs !== null && <th scope="col">Leg</th>}
                  <th scope="col" className="num">
                    Quantity
                  </th>
                  <th scope="col" className="num">
                    Price
                  </th>
                  <th scope="col">Exec id</th>
                  <th scope="col">What the ledger said</th>
                </tr>
              </thead>
              <tbody>
                {o.quarantined_fills.map((q) => (
                  <tr key={q.id} data-quarantine-kind={q.kind}>
                    <td>
                      <Time iso={q.received_at} dated={quarantineDated} />
                    </td>
                    <td>{quarantineKindName(q.kind)}</td>
                    {o.legs !== null && <td>{legName(o, q.leg) ?? '—'}</td>}
                    <td className="num">{q.quantity === null ? '—' : quantity(q.quantity)}</td>
                    <td className="num">{price(q.price)}</td>
                    <td>
                      <code>{q.exec_id}</code>
                    </td>
                    <td>{q.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Audit trail</h2>
        <ol className="timeline">
          {o.events.map((e) => {
            const late = lag(e.at, e.recorded_at);
            return (
              <li key={e.seq} className={`event event-${e.type}`}>
                <div className="event-time">
                  <Time iso={e.at} dated={eventsDated} />
                </div>
                <div className="event-body">
                  <p className="event-what">{eventSentence(e)}</p>
                  <p className="event-who muted">
                    said by {sourceName(e.source)}
                    {late && (
                      <>
                        {' '}
                        · recorded {clock(e.recorded_at)} ({late})
                      </>
                    )}
                  </p>
                  <details>
                    <summary>Payload</summary>
                    <pre>{JSON.stringify(e.payload, null, 2)}</pre>
                  </details>
                </div>
              </li>
            );
          })}
        </ol>
      </section>
    </>
  );
}

/** Cancel at the venue, after a second, explicit click. */
function CancelOrder({ id, pending, done }: { id: string; pending: boolean; done(): void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  if (pending) return <span className="muted">Cancel requested</span>;
  const cancel = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.cancelOrder(id);
      setAsking(false);
      done();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inline-confirm">
      {!asking ? (
        <button type="button" className="danger" onClick={() => setAsking(true)}>
          Cancel order…
        </button>
      ) : (
        <>
          <span>Cancel this order at the broker?</span>
          <button type="button" className="danger" onClick={cancel} disabled={busy}>
            Yes, cancel it
          </button>
          <button type="button" className="secondary" onClick={() => setAsking(false)} disabled={busy}>
            Keep it
          </button>
        </>
      )}
      <Problem error={error} />
    </div>
  );
}
