import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertKinds, alertMessage, alertRetryDelayMs, alertText, alertTextCharsMax, type AlertFinding, findingCategories, runAlerts, slackBody } from '../../src/domain/index.js';

const finding = (category: AlertFinding['category'], extra: Partial<AlertFinding> = {}): AlertFinding => ({ category, orderId: null, brokerOrderId: null, symbol: null, details: {}, actionTaken: null, ...extra });
const base = { runId: 'run-2', startedBy: 'schedule', dryRun: true, categories: findingCategories, failClosed: true, haltBefore: null, haltAfter: {}, previous: null };

describe('alerts (domain)', () => {
  it('a run: one grouped message, nothing when the findings are the previous run\'s, a position when it becomes unprotected, halt and release on change', () => {
    const findings = [
      finding('orphaned_at_broker', { brokerOrderId: 'V-1', symbol: 'MSFT' }),
      finding('orphaned_at_broker', { brokerOrderId: 'V-2', symbol: 'NVDA' }),
      finding('unprotected_position', { symbol: 'AAPL', details: { position_id: 'p-1', signal_id: 's-1', qty_open: '5' } }),
    ];
    const first = runAlerts({ ...base, findings, haltAfter: { orphaned_at_broker: 2 } });
    expect(first.alerts.map((a) => a.kind)).toEqual(['reconciliation_findings', 'position_unprotected', 'account_halted']);
    expect(first.alerts[0]!.details.findings).toEqual([
      { category: 'orphaned_at_broker', count: 2, repaired: 0, examples: ['venue order V-1 (MSFT)', 'venue order V-2 (NVDA)'] },
      { category: 'unprotected_position', count: 1, repaired: 0, examples: ['AAPL'] },
    ]);
    // The same findings in another order, still halted: nothing.
    const again = runAlerts({ ...base, runId: 'run-3', findings: [...findings].reverse(), haltAfter: { orphaned_at_broker: 2 }, haltBefore: { runId: 'run-2', haltedAt: 't' }, previous: first.state });
    expect(again.alerts).toEqual([]);
    // Repaired: a message (the findings differ: repaired), the release; the position still unprotected says nothing new.
    const repaired = findings.map((f) => (f.category === 'orphaned_at_broker' ? { ...f, actionTaken: 'adopted' } : f));
    const fixed = runAlerts({ ...base, runId: 'run-4', findings: repaired, haltBefore: { runId: 'run-3', haltedAt: 't' }, previous: again.state });
    expect(fixed.alerts.map((a) => a.kind)).toEqual(['reconciliation_findings', 'account_released']);
    // Clean: nothing, and the next unprotected position alerts again.
    const clean = runAlerts({ ...base, runId: 'run-5', findings: [], previous: fixed.state });
    expect([clean.alerts, clean.state]).toEqual([[], { fingerprint: '', unprotected: [] }]);
    expect(runAlerts({ ...base, runId: 'run-6', findings: [findings[2]!], previous: clean.state }).alerts.map((a) => a.kind)).toEqual(['reconciliation_findings', 'position_unprotected']);
    // An account that does not fail closed is never reported halted.
    expect(runAlerts({ ...base, failClosed: false, findings, haltAfter: { orphaned_at_broker: 2 } }).alerts.map((a) => a.kind)).toEqual(['reconciliation_findings', 'position_unprotected']);
  });

  it('every kind reads as a title and lines, within the text bound, even with details missing', () => {
    for (const kind of alertKinds) {
      const m = alertMessage({ kind, details: {} }, { name: 'bot', venue: 'paper' });
      expect(m.title).toMatch(/bot \(paper\)/);
      expect(m.lines.length).toBeGreaterThan(0);
    }
    const many = Array.from({ length: 2000 }, (_, i) => ({ category: 'orphaned_at_broker', count: 1, repaired: 0, examples: [`venue order ${'x'.repeat(50)}${i}`] }));
    const m = alertMessage({ kind: 'reconciliation_findings', details: { run_id: 'r', findings: many } }, { name: 'bot', venue: 'paper' });
    expect(alertText(m, 'warning', 'id').length).toBeLessThanOrEqual(alertTextCharsMax);
    const slack = slackBody(m, 'warning', 'id') as { text: string; blocks: { text?: { text: string } }[] };
    expect(slack.blocks[0]!.text!.text.length).toBeLessThanOrEqual(alertTextCharsMax);
    expect(alertMessage({ kind: 'position_unprotected', details: { symbol: '<b>&', position_id: 'p' } }, { name: 'bot', venue: 'paper' }).title).toBe('Position unprotected: <b>& on bot (paper)');
    expect((slackBody({ title: 'a <b> & c', lines: [] }, 'info', 'id').blocks as { text?: { text: string } }[])[0]!.text!.text).toContain('a &lt;b&gt; &amp; c');
  });

  it('the retry wait grows exponentially to its cap, jittered between half and all of it, and honours a longer wait asked for (within the cap)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), fc.option(fc.integer({ min: 0, max: 10_000_000 })), (attempts, r, asked) => {
        const full = Math.min(600_000, 2_000 * 2 ** (attempts - 1));
        const wait = alertRetryDelayMs(attempts, 2_000, 600_000, () => r, asked);
        expect(wait).toBeLessThanOrEqual(Math.max(full, Math.min(asked ?? 0, 600_000)));
        expect(wait).toBeGreaterThanOrEqual(Math.max(Math.floor(full / 2), Math.min(asked ?? 0, 600_000)));
      }),
    );
  });
});
