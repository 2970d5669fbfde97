import type { ReactNode } from 'react';
import type { Order } from './api';
import { useAccounts } from './data';
import { fullTime, isNegative, isPositive, money, orderSentence, quantity, statusTone, when } from './format';

/** A labelled account picker; `allLabel` adds an "all accounts" choice (value ""). */
export function AccountSelect({ id, value, onChange, allLabel, filter }: { id: string; value: string; onChange(id: string): void; allLabel?: string; filter?: (venue: string) => boolean }) {
  const { list } = useAccounts();
  return (
    <div className="field">
      <label htmlFor={id}>Account</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {list
          .filter((a) => filter === undefined || filter(a.venue))
          .map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.venue})
            </option>
          ))}
      </select>
    </div>
  );
}

/** An error from the API, said plainly, with a way to try again. */
export function Problem({ error, retry }: { error: Error | undefined; retry?: () => void }) {
  if (error === undefined) return null;
  return (
    <div className="problem" role="alert">
      <p>{error.message}</p>
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ when: show, children = 'Loading…' }: { when: boolean; children?: ReactNode }) {
  return show ? (
    <p className="muted" role="status">
      {children}
    </p>
  ) : null;
}

/** A time in the user's zone; the full date, time and zone on hover. `dated`: with its day even today (a list spanning days). */
export function Time({ iso, dated = false }: { iso: string | null | undefined; dated?: boolean }) {
  if (iso === null || iso === undefined) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {when(iso, dated)}
    </time>
  );
}

/** An amount of money; a P&L is marked as gain or loss by its sign (and colour, never colour alone). Costs are `plain`. */
export function Money({ value, plain = false }: { value: string | null | undefined; plain?: boolean }) {
  const tone = plain ? '' : isNegative(value) ? 'loss' : isPositive(value) ? 'gain' : '';
  return <span className={`num ${tone}`}>{money(value)}</span>;
}

/**
 * Fees per currency, each in its own currency ("15.2 USDT · 0.001 BTC · 0.5 BNB"): never one sum,
 * since fees in different currencies do not add. Amounts keep their digits (a fee of 0.000195 ETH).
 */
export function FeesByCurrency({ fees }: { fees: Record<string, string> | undefined }) {
  const entries = Object.entries(fees ?? {});
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <span className="fees-by-currency">
      {entries.map(([currency, amount], i) => (
        <span key={currency} className="num" data-currency={currency}>
          {i > 0 && ' · '}
          {quantity(amount)} {currency}
        </span>
      ))}
    </span>
  );
}

/** The order's state as a sentence, with a badge whose tone follows the status. */
export function OrderStatusText({ order }: { order: Order }) {
  return (
    <span className={`status status-${statusTone(order.status)}`} data-status={order.status}>
      {orderSentence(order)}
    </span>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-header-extra">{children}</div>}
    </div>
  );
}
