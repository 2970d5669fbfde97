import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Receiver } from '../support/alert-receivers.js';
import { eventually } from '../support/eventually.js';
import { contrastFailures } from './contrast.js';
import { type Dashboard, rejectReason, type SeededUser, startDashboard } from './seed.js';

/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against a fresh
 * server per test. The dashboard must be built first (`dashboard/dist`); these tests build nothing.
 * Without Chromium the suite is skipped with a printed line, unless FILLBOOK_REQUIRE_BROWSER=1.
 */
const chromiumPath = process.env.FILLBOOK_CHROMIUM ?? '/usr/bin/chromium';
const browserRequired = process.env.FILLBOOK_REQUIRE_BROWSER === '1';
const distIndex = new URL('../../dashboard/dist/index.html', import.meta.url).pathname;
const screenshots = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const readmeShot = new URL('../../docs/dashboard-orders.png', import.meta.url).pathname;

const browserFound = existsSync(chromiumPath);
if (!browserFound) {
  if (browserRequired) throw new Error(`FILLBOOK_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath} (apt-get install chromium, or set FILLBOOK_CHROMIUM)`);
  console.log(`[fillbook tests] no Chromium at ${chromiumPath}: the dashboard browser suite is SKIPPED (set FILLBOOK_REQUIRE_BROWSER=1 to fail instead)`);
}

/** The zone and locale the browser runs in; times on the pages must be in this zone. */
const timeZone = 'America/New_York';
const clockIn = (iso: string) => new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

interface ApiOrder {
  id: string;
  status: string;
  broker_order_id: string | null;
  qty_filled: string;
  accepted_at: string | null;
  created_at: string;
}

describe.skipIf(!browserFound)('dashboard (browser)', () => {
  let browser: Browser;
  let d: Dashboard;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    if (!existsSync(distIndex)) {
      throw new Error(`dashboard/dist/index.html is missing: build the dashboard first with \`npx vite build --config dashboard/vite.config.ts\` (npm run build:dashboard)`);
    }
    mkdirSync(screenshots, { recursive: true });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    d = await startDashboard();
    context = await browser.newContext({ baseURL: d.base, locale: 'en-US', timezoneId: timeZone, viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterEach(async () => {
    await context?.close();
    await d?.close();
    expect(pageErrors).toEqual([]);
  });

  /** Saves a screenshot of the page, after checking that its text meets WCAG AA contrast. */
  async function shot(name: string): Promise<void> {
    expect(await page.evaluate<string[]>(contrastFailures), `text contrast on the ${name} page`).toEqual([]);
    await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });
  }
  const row = (orderId: string) => page.locator(`tr[data-order-id="${orderId}"]`);
  const textOf = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

  async function signIn(user: SeededUser): Promise<void> {
    await page.goto('/');
    await page.getByLabel('User name').fill(user.name);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
  }

  async function go(link: string, heading = link): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  }

  /** An order placed at alice's paper venue (manual fills), once the venue has acknowledged it. */
  async function placePaperOrder(symbol: string, quantity: string, limitPrice: string): Promise<ApiOrder> {
    const placed = await d.api<ApiOrder>(d.alice, 'POST', '/v1/orders', { account_id: d.accounts.paper, symbol, side: 'buy', type: 'limit', quantity, limit_price: limitPrice });
    return eventually(async () => {
      const order = await d.api<ApiOrder>(d.alice, 'GET', `/v1/orders/${placed.id}`);
      if (order.status !== 'open' || order.broker_order_id === null) throw new Error(`order ${placed.id} is ${order.status}`);
      return order;
    });
  }

  it('signs in with the keyboard and words the seeded orders as a person would; filters and pages', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Fillbook' }).waitFor();
    await shot('sign-in');
    // The name field has the focus; Tab goes to the password, then to the button; Enter submits.
    const focusedId = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);
    expect(await focusedId()).toBe('signin-name');
    await page.keyboard.type(d.alice.name);
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('signin-password');
    await page.keyboard.type(d.alice.password);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').innerText()).toBe('Sign in');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedId()).toBe('signin-password');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();

    // The session cookie is HttpOnly: the page's script cannot read it.
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'fillbook_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await row(d.orders.partial).waitFor();
    expect(await textOf(row(d.orders.partial))).toContain('partially filled 5/10 at 2.50');
    expect(await textOf(row(d.orders.filled))).toContain('filled 10/10 at avg 2.48');
    expect(await textOf(row(d.orders.canceled))).toContain('canceled 0/10 filled');
    expect(await textOf(row(d.orders.rejected))).toContain(`rejected: ${rejectReason}`);
    // Times are in the browser's zone (America/New_York here), not the server's or UTC.
    const open = await d.api<ApiOrder>(d.alice, 'GET', `/v1/orders/${d.orders.open}`);
    expect(await textOf(row(d.orders.open))).toContain(`placed at ${clockIn(open.accepted_at!)}`);
    expect(await textOf(page.locator('footer'))).toContain(timeZone);
    expect(await row(d.orders.bob).count()).toBe(0);

    // After a (re)load the first Tab lands on the skip link, drawn with a visible outline; Enter jumps to
    // the content, and the next Tab reaches the first filter.
    // A fresh tab, so that no focus or history from the session above decides where Tab starts.
    const fresh = await context.newPage();
    await fresh.goto(page.url());
    await fresh.locator(`tr[data-order-id="${d.orders.partial}"]`).waitFor();
    // The skip link is the first focusable element of the page; focused, it is drawn with a visible outline.
    const firstFocusable = await fresh.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
      return doc.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')?.textContent;
    });
    expect(firstFocusable).toBe('Skip to content');
    await fresh.getByText('Skip to content').focus();
    const focused = fresh.locator(':focus');
    expect(await focused.innerText()).toBe('Skip to content');
    expect(await focused.evaluate((el) => {
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(el);
      return [style.outlineStyle, style.outlineWidth];
    })).toEqual(['solid', '3px']);
    await fresh.keyboard.press('Enter');
    await fresh.keyboard.press('Tab');
    expect(await fresh.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('f-account');
    await fresh.close();
    await page.mouse.click(5, 400); // leave the focus ring out of the screenshot
    await shot('orders');
    // The README's picture is refreshed on request only, so that a test run leaves tracked files alone.
    if (process.env.FILLBOOK_UPDATE_DOCS_SCREENSHOT === '1') {
      mkdirSync(new URL('.', `file://${readmeShot}`).pathname, { recursive: true });
      copyFileSync(`${screenshots}orders.png`, readmeShot);
    }

    // Filters: status, symbol; the address keeps them.
    await page.getByLabel('Status').selectOption('canceled');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.locator('table.orders tbody tr').count()).toBe(1);
    expect(await textOf(page.locator('table.orders tbody'))).toContain('TSLA');
    expect(page.url()).toContain('status=canceled');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Symbol').fill('msft');
    await page.getByLabel('Symbol').press('Enter');
    await expect.poll(async () => (await page.locator('table.orders tbody tr').allInnerTexts()).length).toBe(1);
    expect(await textOf(page.locator('table.orders tbody'))).toContain('filled 10/10 at avg 2.48');
    // By position: the orders of the guarded position are its entry and its stop loss.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Position').selectOption({ label: 'INTC long · sig-open-guarded' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.locator('table.orders tbody tr').count()).toBe(2);
    expect(await textOf(page.locator('table.orders tbody'))).toMatch(/stop loss.*placed at/);
    // A time range that excludes every seeded order.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Time range').selectOption('since');
    await page.getByLabel('From (your time)').fill('2099-01-01T00:00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No order matches these filters.').waitFor();

    // Paging: alice's 14 orders, 10 a page.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Per page').selectOption('10');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.locator('table.orders tbody tr').count()).toBe(10);
    const older = page.getByRole('button', { name: 'Older →' });
    await older.click();
    await expect.poll(() => page.locator('table.orders tbody tr').count()).toBe(4);
    expect(await older.isDisabled()).toBe(true);
    await page.getByText('Page 2').waitFor();
    await page.getByRole('button', { name: '← Newer' }).click();
    await expect.poll(() => page.locator('table.orders tbody tr').count()).toBe(10);
    expect(await row(d.orders.partial).count()).toBe(1);
  });

  it("opens an order's fields, fills and audit trail timeline", async () => {
    await signIn(d.alice);
    await row(d.orders.filled).getByRole('link').click();
    await page.getByRole('heading', { name: 'Buy 10 MSFT limit 2.50' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/orders/${d.orders.filled}`);
    expect(await textOf(page.locator('.lead'))).toBe('filled 10/10 at avg 2.48');
    const fills = page.getByRole('region', { name: 'Fills (2)' }).locator('tbody tr');
    expect(await fills.count()).toBe(2);
    expect(await textOf(fills.nth(0))).toMatch(/4 2\.45 0\.50/);
    expect(await textOf(page.locator('dl.fields > div', { hasText: 'Fees' }).locator('dd'))).toBe('1 USD');
    const timeline = page.locator('ol.timeline > li');
    expect(await timeline.count()).toBe(5);
    const steps = (await timeline.locator('.event-what').allInnerTexts()).map((s) => s.trim());
    expect(steps).toEqual(['Recorded: Buy 10 MSFT limit 2.50', expect.stringMatching(/^Sent to the broker \(broker id B-\d+\)$/), 'Acknowledged by the broker', 'Fill of 4 at 2.45 (fee 0.50)', 'Fill of 6 at 2.50 (fee 0.50)']);
    expect(await textOf(timeline.first())).toContain('said by the API');
    const detail = await d.api<{ events: { at: string }[] }>(d.alice, 'GET', `/v1/orders/${d.orders.filled}`);
    expect(await textOf(timeline.first().locator('.event-time'))).toBe(clockIn(detail.events[0]!.at));
    // The payload is there, folded.
    await timeline.nth(3).getByText('Payload').click();
    expect(await timeline.nth(3).locator('pre').innerText()).toContain('"exec_id"');
    await shot('order-detail');

    // A rejected order says why, in its status and in its trail; reloading keeps the page.
    await page.goto(`/orders/${d.orders.rejected}`);
    await page.getByRole('heading', { name: 'Buy 10 NVDA market' }).waitFor();
    expect(await textOf(page.locator('.lead'))).toBe(`rejected: ${rejectReason}`);
    expect(await page.locator('ol.timeline .event-what').allInnerTexts()).toContain(`Rejected: ${rejectReason}`);
    await page.getByRole('link', { name: '← Orders' }).click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
  });

  it('shows new orders, fills and status changes live, without a reload', async () => {
    await signIn(d.alice);
    await page.locator('.live-live').waitFor();
    await page.evaluate(() => {
      (globalThis as Record<string, unknown>).__notReloaded = true;
    });

    const order = await placePaperOrder('SPY', '10', '400');
    await row(order.id).waitFor({ timeout: 10_000 });
    await expect.poll(() => textOf(row(order.id)), { timeout: 10_000 }).toContain(`placed at ${clockIn(order.accepted_at!)}`);

    // A fill made by hand at the paper venue reaches the ledger through the venue's stream, and the page through /v1/stream.
    await d.api(d.alice, 'POST', `/v1/paper/${d.accounts.paper}/orders/${order.broker_order_id}/fill`, { quantity: '4', price: '399.5' });
    await expect.poll(() => textOf(row(order.id)), { timeout: 10_000 }).toContain('partially filled 4/10 at 399.50');

    // The order detail page follows too: the rest fills, and the status and trail change.
    await row(order.id).getByRole('link').click();
    await page.getByRole('heading', { name: 'Buy 10 SPY limit 400.00' }).waitFor();
    await d.api(d.alice, 'POST', `/v1/paper/${d.accounts.paper}/orders/${order.broker_order_id}/fill`, { quantity: '6', price: '400' });
    await expect.poll(() => textOf(page.locator('.lead')), { timeout: 10_000 }).toBe('filled 10/10 at avg 399.80');
    expect(await page.locator('ol.timeline .event-what').allInnerTexts()).toContain('Fill of 6 at 400.00');
    expect(await textOf(page.locator('ol.timeline > li').last())).toContain('said by the broker stream');
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__notReloaded)).toBe(true);
  });

  it('reconciles a planted drift: a dry run by category, then a repair applied after a confirmation', async () => {
    const gone = await placePaperOrder('AAPL', '10', '100');
    const short = await placePaperOrder('MSFT', '10', '50');
    // Drift: the venue cancels one order and fills part of the other without telling the ledger.
    await d.api(d.alice, 'POST', `/v1/paper/${d.accounts.paper}/orders/${gone.broker_order_id}/cancel`, { silent: true });
    await d.api(d.alice, 'POST', `/v1/paper/${d.accounts.paper}/orders/${short.broker_order_id}/fill`, { quantity: '4', price: '50', silent: true });

    await signIn(d.alice);
    await go('Reconciliation');
    expect(await page.getByLabel('Account').inputValue()).toBe(d.accounts.paper);
    await page.getByRole('button', { name: 'Run a dry run' }).click();
    const run = page.getByRole('region', { name: /^Dry run of/ });
    await run.waitFor();
    const group = (category: string) => run.locator(`[data-category="${category}"]`);
    // Fail closed: the dry run's findings hold the account's new entries back, and the page says so.
    const halted = page.getByTestId('halted');
    await halted.waitFor();
    const haltText = await textOf(halted);
    expect(haltText).toMatch(/New entries are held back \(fail closed\)/);
    for (const finding of ['1 missing at broker', '1 fill mismatch', '1 holding mismatch']) expect(haltText).toContain(finding);
    expect(await textOf(group('missing_at_broker').locator('h3'))).toBe('Missing at the broker (1)');
    expect(await textOf(group('fill_mismatch').locator('h3'))).toBe('Fill mismatch (1)');
    expect(await textOf(group('holding_mismatch').locator('h3'))).toBe('Holding mismatch (1)');
    expect(await textOf(group('missing_at_broker'))).toContain(`order ${gone.id.slice(0, 8)}`);
    expect(await textOf(group('missing_at_broker'))).toMatch(/ledger status: open.*venue status: canceled/);
    expect(await textOf(group('fill_mismatch'))).toMatch(/ledger filled: 0.*venue filled: 4/);
    expect(await textOf(group('fill_mismatch'))).toContain('none (dry run)');
    await page.getByRole('region', { name: 'Past runs' }).locator('tbody tr').first().waitFor();
    await shot('reconciliation-dry-run');
    // The dry run changed nothing.
    expect((await d.api<ApiOrder>(d.alice, 'GET', `/v1/orders/${gone.id}`)).status).toBe('open');

    // Choose the repairs with the keyboard; going back from the confirmation applies nothing.
    await page.getByLabel(/clear invalid/).focus();
    await page.keyboard.press('Space');
    await page.getByLabel(/import fills/).check();
    await page.getByRole('button', { name: 'Apply chosen repairs…' }).click();
    const dialog = page.getByRole('dialog', { name: /Apply repairs to Paper desk/ });
    await dialog.waitFor();
    expect(await textOf(dialog)).toMatch(/clear invalid.*import fills/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await d.api<{ data: unknown[] }>(d.alice, 'GET', `/v1/reconciliations?account_id=${d.accounts.paper}`)).data).toHaveLength(1);

    await page.getByRole('button', { name: 'Apply chosen repairs…' }).click();
    await dialog.waitFor();
    await shot('reconciliation-confirm');
    await dialog.getByRole('button', { name: 'Apply repairs' }).click();
    const repair = page.getByRole('region', { name: /^Repair run \(clear invalid, import fills\)/ });
    await repair.waitFor();
    expect(await textOf(repair.locator('[data-category="missing_at_broker"]'))).toContain("applied the venue's state (canceled)");
    expect(await textOf(repair.locator('[data-category="fill_mismatch"]'))).toMatch(/imported/);
    await halted.waitFor({ state: 'detached' }); // everything repaired: released
    await shot('reconciliation-applied');

    // The ledger now agrees with the venue.
    expect((await d.api<ApiOrder>(d.alice, 'GET', `/v1/orders/${gone.id}`)).status).toBe('canceled');
    expect((await d.api<ApiOrder>(d.alice, 'GET', `/v1/orders/${short.id}`)).qty_filled).toBe('4');

    // Past runs: both, newest first; the dry run opens again.
    const past = page.getByRole('region', { name: 'Past runs' }).locator('tbody tr');
    await expect.poll(() => past.count()).toBe(2);
    expect(await textOf(past.nth(0))).toContain('Repair: clear invalid, import fills');
    await past.nth(1).getByRole('button', { name: /^Open the run/ }).click();
    await page.getByRole('region', { name: /^Dry run of/ }).waitFor();
  });

  it('shows positions with the unprotected mark, holdings per account and performance with its equity curve', async () => {
    await signIn(d.alice);
    await go('Positions');
    const position = (signal: string) => page.locator('table.positions tbody tr', { hasText: signal });
    await position('sig-open-naked').waitFor();
    // P&L in its quote currency; fees per currency, each in its own.
    expect(await textOf(position('sig-open-naked'))).toMatch(/AMD long open 8 \/ 8 150\.00 .*-0\.50 USD 0\.5 USD .*Unprotected/);
    expect(await textOf(position('sig-open-guarded'))).toContain('✓ stop loss');
    expect(await textOf(position('sig-win-1'))).toMatch(/closed 0 \/ 10 100\.00 110\.00 99\.00 USD 1 USD/);
    expect(await textOf(page.locator('.warning-banner'))).toContain('1 open position has no working stop-loss or take-profit order.');
    await shot('positions');

    await go('Holdings');
    const book = page.getByRole('region', { name: /^Swing book/ });
    await book.locator('tbody tr').first().waitFor();
    expect(await textOf(book.locator('tbody'))).toMatch(/AAPL equity 5 2\.50.*MSFT equity 10 2\.48/);
    expect(await textOf(book)).toContain('2 more instruments were traded back to flat.');
    await page.getByRole('region', { name: /^Paper desk/ }).getByText('Nothing held').waitFor();
    await shot('holdings');

    await go('Performance');
    await page.locator('.metric', { hasText: 'Win rate' }).waitFor();
    const metric = async (label: string) => textOf(page.locator('.metric', { hasText: label }).locator('.metric-value'));
    expect(await metric('Closed positions')).toBe('3');
    expect(await metric('Win rate')).toBe('66.7%');
    expect(await metric('Profit factor')).toBe('4.13');
    expect(await metric('Realized P&L')).toBe('97.00');
    expect(await metric('Max drawdown')).toBe('31.00');
    expect(await metric('Expectancy')).toBe('32.33');
    // The recharts line, one dot per closed position.
    await page.locator('.recharts-line-curve').waitFor();
    await expect.poll(() => page.locator('.recharts-line-dot').count()).toBe(3);
    await shot('performance');
  });

  it('marks a spread and the leg of each leg fill, shows quarantined fills, dates where a list spans days, a readable equity axis', async () => {
    const legs = [
      { symbol: 'SPY   261218C00100000', asset_class: 'option', side: 'buy', ratio: '1', position_effect: 'open' },
      { symbol: 'SPY   261218C00110000', asset_class: 'option', side: 'sell', ratio: '1', position_effect: 'open' },
    ];
    const spread = await d.api<{ id: string }>(d.alice, 'POST', '/v1/orders', { account_id: d.accounts.book, symbol: 'SPY', side: 'buy', type: 'limit', quantity: '2', limit_price: '3.00', submit: false, legs });
    // A leg fill executed days ago (reported late), one today, then an overfill of leg 2: quarantined.
    await d.api(d.alice, 'POST', '/v1/fills', { order_id: spread.id, exec_id: 'L1', leg: 1, quantity: '2', price: '5.00', executed_at: '2026-01-03T15:00:00Z' });
    await d.api(d.alice, 'POST', '/v1/fills', { order_id: spread.id, exec_id: 'L2', leg: 2, quantity: '1', price: '2.00' });
    await expect(d.api(d.alice, 'POST', '/v1/fills', { order_id: spread.id, exec_id: 'L3', leg: 2, quantity: '5', price: '2.10' })).rejects.toThrow(/409/);

    await signIn(d.alice);
    await row(spread.id).waitFor();
    expect(await textOf(row(spread.id))).toContain('Buy 2 SPY 2-leg spread limit 3.00 net');
    // Who sends each order: the bot recorded this one (submit: false); Fillbook sent the paper order.
    const sent = await d.api<{ id: string }>(d.alice, 'POST', '/v1/orders', { account_id: d.accounts.paper, symbol: 'IBM', side: 'buy', type: 'limit', quantity: '1', limit_price: '1.00' });
    await row(sent.id).waitFor();
    expect(await textOf(row(spread.id).locator('td[data-sent-by]'))).toBe('the bot');
    expect(await textOf(row(sent.id).locator('td[data-sent-by]'))).toBe('Fillbook');
    // Every seeded order was created today: the list shows times alone.
    expect(await textOf(row(spread.id).locator('time'))).toMatch(/^\d\d:\d\d:\d\d$/);

    await row(spread.id).getByRole('link').click();
    await page.getByRole('heading', { name: 'Buy 2 SPY 2-leg spread limit 3.00 net' }).waitFor();
    expect(await textOf(page.locator('.fields div', { hasText: 'Sent by' }).locator('dd'))).toBe('the bot');
    const fills = page.getByRole('region', { name: 'Fills (2)' }).locator('tbody tr');
    const legCells = await fills.locator('td[data-leg]').allInnerTexts();
    expect(legCells.map((t) => t.trim()).sort()).toEqual(['leg 1: SPY 261218C00100000 (buy)', 'leg 2: SPY 261218C00110000 (sell)']);
    // The fills span days (Jan 3 and today): each time carries its date, today's too.
    for (const t of await fills.locator('time').allInnerTexts()) expect(t.trim()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, (\d{4}, )?\d\d:\d\d:\d\d$/);
    expect(await textOf(fills.filter({ hasText: 'leg 1' }).locator('time').first())).toMatch(/^Jan 3, (2026, )?10:00:00$/);
    const quarantine = page.getByRole('region', { name: 'Quarantined fills (1)' });
    expect(await textOf(quarantine.locator('tbody tr'))).toMatch(/more than the order can take leg 2: SPY 261218C00110000 \(sell\) 5 2\.10 L3 .+/);
    await shot('order-detail-spread');

    // The equity curve's axis: one label per day of the three closes (Jan 5, 6 and 7), none repeated.
    await go('Performance');
    await expect.poll(() => page.locator('.recharts-line-dot').count()).toBe(3);
    const ticks = (await page.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents()).map((t) => t.trim());
    expect(ticks).toEqual(['Jan 5', 'Jan 6', 'Jan 7']);
    // The positions list spans days (January's closes, today's opens): each time carries its date.
    await go('Positions');
    const closedRow = page.locator('table.positions tbody tr', { hasText: 'sig-win-1' });
    expect(await closedRow.locator('time').first().innerText()).toMatch(/^Jan 5, (2026, )?\d\d:/);
    const openRow = page.locator('table.positions tbody tr', { hasText: 'sig-open-naked' });
    expect(await openRow.locator('time').first().innerText()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, /);
  });

  it("shows a second user none of the first user's accounts or orders", async () => {
    await signIn(d.bob);
    await row(d.orders.bob).waitFor();
    expect(await page.locator('table.orders tbody tr').count()).toBe(1);
    const body = async () => textOf(page.locator('main'));
    for (const text of ['Swing book', 'Paper desk', 'MSFT', 'AAPL', rejectReason]) expect(await body()).not.toContain(text);
    expect(await page.getByLabel('Account').locator('option').allInnerTexts()).toEqual(['All accounts', 'Bob private book (manual)']);

    await go('Positions');
    await page.getByText('No positions.').waitFor();
    await go('Holdings');
    await page.getByRole('region', { name: /^Bob private book/ }).waitFor();
    expect(await page.locator('main section.card').count()).toBe(1);
    await go('Performance');
    await page.locator('.metric', { hasText: 'Win rate' }).waitFor();
    expect(await page.getByLabel('Account').locator('option').allInnerTexts()).toEqual(['Bob private book (manual)']);
    await go('Reconciliation');
    expect(await page.getByLabel('Account').locator('option').allInnerTexts()).toEqual(['Bob private book (manual)']);

    // Alice's order by its address: not found, in the page and in the API (with bob's session).
    await page.goto(`/orders/${d.orders.filled}`);
    await page.getByRole('heading', { name: 'Order not found' }).waitFor();
    expect((await page.request.get(`/v1/orders/${d.orders.filled}`)).status()).toBe(404);
    expect((await page.request.get(`/v1/holdings?account_id=${d.accounts.book}`)).status()).toBe(404);
    const accounts = (await (await page.request.get('/v1/accounts')).json()) as { data: { id: string }[] };
    expect(accounts.data.map((a) => a.id)).toEqual([d.accounts.bob]);
  });

  it('signs out: the API answers 401 and the sign-in form shows', async () => {
    await signIn(d.alice);
    expect((await page.request.get('/v1/accounts')).status()).toBe(200);
    // A state-changing request without the CSRF header is refused even with the cookie.
    expect((await page.request.post('/v1/reconciliations', { data: { account_id: d.accounts.paper } })).status()).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Fillbook' }).waitFor();
    expect((await page.request.get('/v1/accounts')).status()).toBe(401);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Fillbook' }).waitFor();
    // A wrong password is refused with a message.
    await page.getByLabel('User name').fill(d.alice.name);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Unknown user or wrong password.').waitFor();

    // Signed in again, the session ends elsewhere: the next request that is refused brings the form back.
    await page.getByLabel('Password').fill(d.alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    const { csrf_token } = (await (await page.request.get('/auth/session')).json()) as { csrf_token: string };
    expect((await page.request.post('/auth/logout', { headers: { 'x-csrf-token': csrf_token } })).status()).toBe(200);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Positions' }).click();
    await page.getByText('Your session ended. Sign in again.').waitFor();
    await page.getByRole('heading', { name: 'Sign in to Fillbook' }).waitFor();
  });
  it('the alerts page: a sink added, a test message sent, an alert listed with its delivery state, only your own', async () => {
    const hook = new Receiver();
    await hook.up();
    try {
      await signIn(d.alice);
      await go('Alerts');
      await page.getByText('No sinks yet').waitFor();
      const form = page.getByRole('form', { name: 'Add a sink' });
      await form.getByLabel('Name').fill('Ops webhook');
      await form.getByLabel('URL').fill(`${hook.url}/alerts`);
      await form.getByRole('button', { name: 'Add sink' }).click();
      await page.getByText(/signing secret \(shown once, keep it\): whsec_/).waitFor();
      const sinkRow = page.getByRole('table', { name: 'Alert sinks' }).getByRole('row', { name: /Ops webhook/ });
      expect(await textOf(sinkRow)).toMatch(new RegExp(`Ops webhook webhook ${hook.url}/alerts secret whsec_…\\S{4} every kind`));
      await sinkRow.getByRole('button', { name: 'Send test message' }).click();
      await sinkRow.getByText('Test message delivered.').waitFor();
      expect(hook.received.map((r) => r.json.test)).toEqual([true]);

      // An overfill on alice's book is quarantined, and alerts; bob's alert is not hers to see.
      const order = await d.api<{ id: string }>(d.alice, 'POST', '/v1/orders', { account_id: d.accounts.book, symbol: 'ORCL', side: 'buy', type: 'market', quantity: '1', submit: false });
      await d.api(d.alice, 'POST', `/v1/orders/${order.id}/events`, { type: 'submitted', broker_order_id: 'B-orcl' });
      await d.server.app.inject({ method: 'POST', url: '/v1/fills', headers: { authorization: `Bearer ${d.alice.key}`, 'content-type': 'application/json' }, payload: JSON.stringify({ order_id: order.id, exec_id: 'E-orcl-over', quantity: '4', price: '10' }) });
      const bobs = await d.api<{ id: string }>(d.bob, 'POST', '/v1/orders', { account_id: d.accounts.bob, symbol: 'IBM', side: 'buy', type: 'market', quantity: '1', submit: false });
      await d.api(d.bob, 'POST', `/v1/orders/${bobs.id}/events`, { type: 'submitted', broker_order_id: 'B-ibm' });
      await d.server.app.inject({ method: 'POST', url: '/v1/fills', headers: { authorization: `Bearer ${d.bob.key}`, 'content-type': 'application/json' }, payload: JSON.stringify({ order_id: bobs.id, exec_id: 'E-ibm-over', quantity: '4', price: '10' }) });
      await d.server.service.alerts.deliverDue();
      await page.reload();
      const alerts = page.getByRole('table', { name: 'Alerts' });
      await alerts.waitFor();
      const rows = alerts.locator('tbody tr');
      expect(await rows.count()).toBe(1);
      expect(await textOf(rows.first())).toMatch(/Swing book warning Fill quarantined \(overfill\) on Swing book \(manual\) Exec id E-orcl-over: 4 @ 10 .* Ops webhook: delivered/);
      expect(await rows.first().getAttribute('data-kind')).toBe('fill_quarantined');
      expect(hook.received.at(-1)!.json).toMatchObject({ kind: 'fill_quarantined', account_id: d.accounts.book, test: false });
      await page.getByLabel('Alert kind').selectOption('stream_down');
      await page.getByText('No alerts of this kind.').waitFor();
      await page.getByLabel('Alert kind').selectOption('');
      await alerts.waitFor();
      await shot('alerts');
    } finally {
      await hook.down();
    }
  });
});
