import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, type Performance } from '../api';
import { AccountSelect, FeesByCurrency, Loading, Money, PageHeader, Problem, Time } from '../components';
import { useAccounts, useResource } from '../data';
import { fullTime, money, percent, ratio, spansDays, timeZone } from '../format';

/** Axis amounts: "1,250", "12.5K", "-3.2M", with no more digits than the axis needs. */
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const compactMoney = (v: number) => compactFormat.format(v);

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
/** At most this many labels on the time axis: more overlap at the chart's narrowest. */
const axisTicksMax = 7;
const tickSteps = [hourMs, 3 * hourMs, 6 * hourMs, 12 * hourMs, dayMs, 2 * dayMs, 7 * dayMs, 14 * dayMs, 30 * dayMs, 91 * dayMs, 182 * dayMs, 365 * dayMs];
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const monthFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short' });

/**
 * The time axis of the equity curve: ticks at round steps (hours, days, weeks, months in the user's
 * zone) chosen so that at most `axisTicksMax` fit, each labelled only as finely as the step needs
 * ("14:00" within a day, "Jan 5" across days, "Jan 2026" across months), never the same label twice.
 */
export function timeAxis(from: number, to: number): { ticks: number[]; label(t: number): string } {
  const span = Math.max(to - from, hourMs);
  // Across days, whole days at least: "Jan 5, 12:00" between dates says less than another date.
  const step = tickSteps.find((s) => span / s <= axisTicksMax && (span <= dayMs || s >= dayMs)) ?? tickSteps.at(-1)!;
  const start = new Date(from);
  if (step >= dayMs) start.setHours(0, 0, 0, 0);
  else start.setMinutes(0, 0, 0);
  if (step >= 30 * dayMs) start.setDate(1);
  const ticks: number[] = [];
  for (let t = start.getTime(); t <= to && ticks.length <= axisTicksMax * 2; ) {
    // The round time at or before the first point starts the axis, so the first point has a label.
    if (t >= from || ticks.length === 0) ticks.push(t);
    const next = new Date(t);
    if (step >= 30 * dayMs) next.setMonth(next.getMonth() + Math.round(step / (30 * dayMs)));
    else if (step >= dayMs) next.setDate(next.getDate() + Math.round(step / dayMs));
    else next.setHours(next.getHours() + step / hourMs);
    t = next.getTime();
  }
  const sameDay = new Date(from).toDateString() === new Date(to).toDateString();
  const format = step >= 30 * dayMs ? monthFormat : step >= dayMs ? dayFormat : sameDay ? timeFormat : dayTimeFormat;
  return { ticks, label: (t: number) => format.format(new Date(t)) };
}

/** The performance metrics of an account's closed positions and its realized equity curve. */
export function PerformancePage() {
  const { list } = useAccounts();
  const [chosen, setChosen] = useState('');
  const account = chosen || list[0]?.id || '';
  const perf = useResource(() => api.performance(account), [account], { skip: account === '' });
  const m = perf.data?.account_id === account ? perf.data : undefined;

  return (
    <section>
      <PageHeader title="Performance">
        <Loading when={perf.loading && m !== undefined}>Updating…</Loading>
      </PageHeader>
      <div className="filters">
        <AccountSelect id="perf-account" value={account} onChange={setChosen} />
      </div>
      <Problem error={perf.error} retry={perf.reload} />
      <Loading when={perf.loading && m === undefined} />
      {m !== undefined && (
        <>
          <Metrics m={m} />
          <EquityCurve m={m} />
        </>
      )}
    </section>
  );
}

function Metrics({ m }: { m: Performance }) {
  const items: Array<[string, React.ReactNode, string?]> = [
    ['Closed positions', String(m.closed_positions), `${m.wins} won, ${m.losses} lost`],
    ['Win rate', percent(m.win_rate)],
    ['Profit factor', ratio(m.profit_factor), m.profit_factor === null && m.closed_positions > 0 ? 'nothing lost yet' : 'gross profit ÷ gross loss'],
    ['Average win', <Money key="aw" value={m.avg_win} />],
    ['Average loss', <Money key="al" value={m.avg_loss} />],
    ['Expectancy', <Money key="ex" value={m.expectancy} />, 'mean P&L per closed position'],
    ['Total fees', <Money key="tf" value={m.total_fees} plain />, `in ${m.currency}`],
    ['Realized P&L', <Money key="pnl" value={m.realized_pnl} />, `${m.currency}, net of the fees paid in ${m.currency}`],
    ['Fees by currency', <FeesByCurrency key="fbc" fees={m.fees_by_currency} />, 'each in its own currency, never added'],
    ['Max drawdown', <Money key="dd" value={m.max_drawdown} plain />, 'largest fall from a peak'],
  ];
  // Positions quoted in other currencies are not in the figures above; their P&L is shown apart.
  const others = Object.entries(m.realized_pnl_by_currency).filter(([c]) => c !== m.currency);
  if (others.length > 0) items.push(['Realized P&L in other currencies', <FeesByCurrency key="pbc" fees={Object.fromEntries(others)} />, 'per quote currency']);
  return (
    <dl className="metrics">
      {items.map(([label, value, hint]) => (
        <div key={label} className="metric">
          <dt>{label}</dt>
          <dd>
            <span className="metric-value">{value}</span>
            {hint && <span className="metric-hint muted">{hint}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function EquityCurve({ m }: { m: Performance }) {
  const points = [...m.equity_curve.map((p) => ({ t: Date.parse(p.at), equity: Number(p.equity), label: p.equity }))];
  const last = m.equity_curve.at(-1);
  const axis = timeAxis(points[0]?.t ?? 0, points.at(-1)?.t ?? 0);
  const dated = spansDays(m.equity_curve.map((p) => p.at));
  return (
    <section className="card" aria-labelledby="curve-title">
      <h2 id="curve-title">Realized equity curve</h2>
      {points.length === 0 ? (
        <p className="empty">No closed positions yet: the curve starts at the first close.</p>
      ) : (
        <>
          <div
            className="chart"
            role="img"
            aria-label={`Realized equity after each closed position: ${points.length} points, ending at ${money(last?.equity)} on ${last ? fullTime(last.at) : ''}.`}
          >
            <ResponsiveContainer width="100%" height={300}>
              <LineChart data={points} margin={{ top: 12, right: 24, bottom: 8, left: 8 }}>
                <CartesianGrid stroke="#d4d8de" strokeDasharray="3 3" />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={[axis.ticks[0]!, 'dataMax']}
                  ticks={axis.ticks}
                  tickFormatter={axis.label}
                  stroke="#4b5563"
                  minTickGap={24}
                  padding={{ left: 16, right: 16 }}
                  label={{ value: `closed (${timeZone})`, position: 'insideBottom', offset: -4, fill: '#4b5563' }}
                  height={48}
                />
                <YAxis tickFormatter={(v: number) => compactMoney(v)} stroke="#4b5563" width={72} label={{ value: 'realized equity', angle: -90, position: 'insideLeft', fill: '#4b5563' }} />
                <ReferenceLine y={0} stroke="#6b7280" />
                <Tooltip
                  labelFormatter={(t) => fullTime(new Date(Number(t)).toISOString())}
                  formatter={(_v, _n, item) => [money((item.payload as { label: string }).label), 'Equity']}
                />
                <Line type="stepAfter" dataKey="equity" stroke="#1d4ed8" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
          <details>
            <summary>The curve as a table</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">Closed</th>
                  <th scope="col" className="num">
                    Equity
                  </th>
                </tr>
              </thead>
              <tbody>
                {m.equity_curve.map((p, i) => (
                  <tr key={i}>
                    <td>
                      <Time iso={p.at} dated={dated} />
                    </td>
                    <td className="num">
                      <Money value={p.equity} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
