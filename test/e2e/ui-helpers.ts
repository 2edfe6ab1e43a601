import { channels as contractChannels } from '../../preload/contract.ts';
import { startWebProcess } from '../helpers/web-process.ts';
import { expect, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import type { SandboxAdmin } from '../../sandbox/admin-client.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';
import { e2eUrl } from './helpers.ts';

/** Opens the app (web mode at RETURNDESK_E2E_URL unless `url` is given) and waits for the bridge. */
export async function openApp(page: Page, url = e2eUrl()): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('connection')).toHaveText(/Connected|Подключено/);
}

/** Opens Settings from the sidebar. */
export async function openSettings(page: Page): Promise<void> {
  await page.getByTestId('open-settings').click();
  await expect(page.getByTestId('settings')).toBeVisible();
}

/** Waits until the inbox shows rows (main answers returns.list), up to `timeout`. */
export async function waitForRows(page: Page, timeout = 60_000): Promise<void> {
  await expect(page.getByTestId('inbox-row').first()).toBeVisible({ timeout });
}

/** Fails on serious or critical accessibility violations, naming each. */
export async function expectAccessible(page: Page, scope?: string): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (scope) builder = builder.include(scope);
  const { violations } = await builder.analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id}: ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
  ).toEqual([]);
}

/** Opens one return from every return (not only those awaiting a decision), found by its id. */
export async function openReturnById(page: Page, returnId: number): Promise<void> {
  await page.getByTestId('view-all').click();
  await page.getByTestId('search').fill(String(returnId));
  const row = page.locator(`[data-testid="inbox-row"][data-return-id="${returnId}"]`);
  await expect(row).toBeVisible({ timeout: 60_000 });
  // The row can be found in the list the search is replacing; a click that landed on the old list is made again.
  await expect(async () => {
    await row.click({ timeout: 5_000 });
    await expect(page.getByTestId('detail')).toHaveAttribute('data-return-id', String(returnId), { timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
}

/** Sets the language through Settings ('' follows the system) and comes back. */
export async function setLanguage(page: Page, locale: 'ru' | 'en' | ''): Promise<void> {
  await openSettings(page);
  await page.getByTestId('language').selectOption(locale);
  await page.keyboard.press('Escape');
}

/** Sets the theme through Settings and comes back to the inbox. */
export async function setTheme(page: Page, theme: 'light' | 'dark' | 'system'): Promise<void> {
  await openSettings(page);
  await page.getByTestId('theme').selectOption(theme);
  if (theme !== 'system') await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
  await page.keyboard.press('Escape');
}

/**
 * Installs a stand-in `window.returnDesk` before the page loads, as the Electron preload would, with
 * deterministic data: lets the renderer be tested on states the sandbox cannot make on demand (an
 * unknown enum, a failing channel, 10 000 rows). Not a replacement for the web-mode tests.
 */
export async function installFakeBridge(page: Page, options: { rows?: number; failChannels?: string[] } = {}): Promise<void> {
  await page.addInitScript(
    ({ rowCount, failChannels, allChannels }) => {
      const listeners = new Map<string, Set<(p: unknown) => void>>();
      const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
      const now = Date.now();
      const HOUR = 3_600_000;
      const statuses = ['PREMODERATION_DECISION_WAITING', 'REFUND_IN_PROGRESS', 'PREMODERATION_DISPUTE', 'REFUNDED', 'BRAND_NEW_STATUS'];
      const row = (i: number) => ({
        returnId: 19_000_000 + i,
        orderId: 4_700_000_000 + i,
        campaignId: 21_000_001 + (i % 3),
        campaignName: ['Техно Дом FBS', 'Техно Дом FBY', 'Обувь и одежда Смирновой (DBS)'][i % 3]!,
        placementType: ['FBS', 'FBY', 'DBS'][i % 3]!,
        returnType: i % 4 === 3 ? 'UNREDEEMED' : 'RETURN',
        refundStatus: i % 4 === 3 ? null : i % 3 === 2 ? 'WAITING_FOR_DECISION' : statuses[i % statuses.length]!,
        shipmentStatus: i % 4 === 3 ? 'READY_FOR_PICKUP' : 'CREATED',
        createdAt: new Date(now - (48 - (i % 48)) * HOUR).toISOString(),
        updatedAt: new Date(now - HOUR).toISOString(),
        decisionDeadline: i % 4 === 3 ? null : new Date(now + ((i % 50) - 1) * HOUR + 20 * 60_000).toISOString(),
        pickupTill: i % 4 === 3 ? new Date(now + 72 * HOUR).toISOString() : null,
        amount: { value: 1990 + i * 10, currencyId: 'RUR' },
        fastReturn: i % 5 === 0,
        hasMarkedGoods: i % 7 === 0,
        photoCount: i % 4 === 3 ? 0 : i % 6,
        itemCount: 1 + (i % 3),
        skus: Array.from({ length: 1 + (i % 3) }, (_, k) => `TD-${1000 + i}-${k}`),
        awaitingDecision: i % 4 !== 3,
        outboxState: null as string | null,
      });
      const rows = Array.from({ length: rowCount }, (_, i) => row(i));
      const lineMoney = (value: number) => ({ payment: { value, currencyId: 'RUR' }, cashback: null, subsidy: null, total: { value, currencyId: 'RUR' } });
      let settings = {
        operatorName: 'Оператор',
        locale: null,
        theme: 'system',
        pollFastSeconds: 60,
        pollSlowSeconds: 600,
        backfillDays: 60,
        alertThresholdsHours: [24, 6, 1],
        quietHours: { enabled: false, start: '22:00', end: '08:00' },
        closeToTray: true,
        launchAtLogin: false,
        watchedCampaignIds: null,
        pushReceiver: { enabled: false, port: 8787, path: '/notification', allInterfaces: false },
        decisionHoldSeconds: 5,
      };
      let outboxId = 1;
      const outbox: Array<Record<string, unknown>> = [];
      const ok = (value: unknown) => Promise.resolve({ ok: true, value });
      const fail = (channel: string) => Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: `${channel} is down in this test` } });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- page-side stand-in: arguments come from the renderer as-is
      const handlers: Record<string, (args: any) => Promise<unknown>> = {
        'app.info': () =>
          ok({
            name: 'ReturnDesk',
            version: '0.1.0',
            mode: 'demo',
            transport: 'ipc',
            platform: 'linux',
            versions: { node: '24', electron: null, chrome: null },
            capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false },
            dataDir: '/tmp/fake',
            apiHost: 'fake',
            systemLocale: 'en',
          }),
        'app.ready': () => ok({ queued: 0 }),
        'app.ping': (a) => ok({ text: a.text, receivedAt: new Date().toISOString() }),
        'settings.get': () => ok(settings),
        'settings.set': (patch) => {
          if (patch.pollFastSeconds !== undefined && (typeof patch.pollFastSeconds !== 'number' || patch.pollFastSeconds < 15))
            return Promise.resolve({
              ok: false,
              error: { code: 'INVALID_ARGUMENTS', message: 'bad', issues: [{ path: 'pollFastSeconds', message: 'Too small: expected number to be >=15' }] },
            });
          settings = { ...settings, ...patch };
          emit('settings.changed', settings);
          return ok(settings);
        },
        'returns.list': ({ filter, offset, limit }) => {
          let list = rows;
          if (filter.awaitingDecision) list = list.filter((r) => r.awaitingDecision);
          if (filter.search)
            list = list.filter(
              (r) => String(r.returnId).includes(filter.search) || String(r.orderId).includes(filter.search) || r.skus.some((s) => s.includes(filter.search)),
            );
          return ok({ rows: list.slice(offset, offset + limit), total: list.length });
        },
        'returns.counts': () =>
          ok({
            total: rows.length,
            awaitingDecision: rows.filter((r) => r.awaitingDecision).length,
            inDispute: 3,
            fastReturn: 10,
            withPhotos: 20,
            byCampaign: {},
            byType: { RETURN: 3, UNREDEEMED: 1 },
            byRefundStatus: {},
            byShipmentStatus: {},
          }),
        'returns.get': ({ returnId }) => {
          const r = rows.find((x) => x.returnId === returnId)!;
          const items = r.skus.map((sku, k) => ({
            idx: k,
            shopSku: sku,
            marketSku: null,
            name: `Товар ${sku}`,
            count: 1,
            returnItemId: 520_000_000 + r.returnId * 10 + k,
            decisions: [
              {
                returnItemId: null,
                decisionType: null,
                reasonType: k === 0 ? 'BAD_QUALITY' : 'SOME_NEW_REASON',
                subreasonType: 'NOT_WORKING',
                count: 1,
                comment: 'Не включается после зарядки',
                amount: { value: 1990, currencyId: 'RUR' },
                partnerCompensation: null,
              },
            ],
            position: lineMoney(1990),
            photos: Array.from({ length: r.photoCount }, (_, p) => ({ returnItemId: null, imageHash: `h${p}` })),
            instances: r.hasMarkedGoods ? [{ cis: '010460043993125621JgXJ5.T', imei: null, status: null, stockType: null }] : [],
            tracks: ['RP123456789RU'],
          }));
          return ok({
            row: r,
            items,
            order: {
              id: r.orderId,
              status: 'DELIVERED',
              substatus: null,
              createdAt: r.createdAt,
              items: [
                ...r.skus.map((sku, k) => ({
                  itemId: k + 1,
                  offerId: sku,
                  offerName: `Товар ${sku}`,
                  count: 1,
                  initialCount: 1,
                  money: lineMoney(1990),
                  marked: false,
                })),
                { itemId: 99, offerId: 'KEPT-1', offerName: 'Оставленный товар', count: 2, initialCount: 2, money: lineMoney(5000), marked: false },
                { itemId: 100, offerId: 'GONE-1', offerName: 'Удалённый товар', count: 0, initialCount: 1, money: lineMoney(0), marked: false },
              ],
            },
            siblings: [row(rowCount + 1)],
            money: {
              currencyId: 'RUR',
              cost: { payment: r.skus.length * 1990 + 5000, cashback: 0, subsidy: 0, total: r.skus.length * 1990 + 5000 },
              takeBacks: [r, row(rowCount + 1)].map((x) => ({
                returnId: x.returnId,
                returnType: x.returnType,
                refundStatus: x.refundStatus,
                shipmentStatus: x.shipmentStatus,
                basis: 'refund',
                amount: x.amount,
                pending: x.awaitingDecision,
              })),
              takenBack: r.amount.value + row(rowCount + 1).amount.value,
              remains: r.skus.length * 1990 + 5000 - r.amount.value - row(rowCount + 1).amount.value,
            },
            pickupPoint: r.pickupTill ? { name: 'ПВЗ Маркета', address: 'Москва, ул. Льва Толстого, 16', instruction: 'Вход со двора' } : null,
          });
        },
        'stores.list': () =>
          ok(
            [0, 1, 2].map((i) => ({
              campaignId: 21_000_001 + i,
              name: rows[i]!.campaignName,
              businessId: 1,
              placementType: rows[i]!.placementType,
              watched: i !== 2,
              lastSuccess: new Date(now - 60_000).toISOString(),
              lastError: null,
              syncing: false,
              returnsKnown: 100 + i,
            })),
          ),
        'status.get': () =>
          ok({
            mode: 'demo',
            online: true,
            authProblem: null,
            lastSync: new Date(now - 60_000).toISOString(),
            syncing: false,
            awaitingDecision: 42,
            urgent: 3,
            outbox: { queued: 0, sending: 0, failed: 1, conflict: 0 },
            unreadable: 0,
            push: { state: 'off', url: null, error: null, lastEventAt: null },
            marketClock: { offsetMs: 0, large: false, measuredAt: null },
            diskFull: null,
          }),
        'sync.now': () => ok({ started: true }),
        'alerts.pending': () => ok([]),
        'alerts.history': () => ok({ alerts: [], total: 0 }),
        'apiKey.status': () => ok({ set: false, last4: null, source: 'none', encryptionAvailable: false }),
        'decisions.available': ({ returnId }) => {
          const r = rows.find((x) => x.returnId === returnId)!;
          return ok({
            returnId,
            decisions: [
              { decisionType: 'REFUND_MONEY', reasonTypes: [], compensationBounds: null },
              { decisionType: 'DECLINE_REFUND', reasonTypes: ['ISSUE_WITH_THE_PRODUCT_WAS_NOT_CONFIRMED', 'MECHANICAL_DAMAGE'], compensationBounds: null },
              {
                decisionType: 'PARTIAL_MONEY_REFUND',
                reasonTypes: [],
                compensationBounds: { min: { value: 1, currencyId: 'RUR' }, max: { value: 1990, currencyId: 'RUR' }, maxPercent: 50 },
              },
              { decisionType: 'OTHER_DECISION', reasonTypes: [], compensationBounds: null },
            ],
            items: r.skus.map((sku, k) => ({
              returnItemId: 520_000_000 + r.returnId * 10 + k,
              shopSku: sku,
              name: `Товар ${sku}`,
              count: 1,
              position: lineMoney(1990),
            })),
            source: 'market',
            fetchedAt: new Date().toISOString(),
          });
        },
        'decisions.submit': ({ draft }) => {
          const r = rows.find((x) => x.returnId === draft.returnId)!;
          const entry = {
            id: outboxId++,
            returnId: r.returnId,
            orderId: r.orderId,
            campaignId: r.campaignId,
            state: 'queued',
            draft,
            operator: settings.operatorName,
            createdAt: new Date().toISOString(),
            updatedAt: new Date().toISOString(),
            attempts: 0,
            nextAttemptAt: null,
            serverMessage: null,
            explanation: null,
            holdUntil: null,
          };
          outbox.push(entry);
          const later = (state: string, ms: number) =>
            setTimeout(() => {
              Object.assign(entry, { state, attempts: 1, updatedAt: new Date().toISOString() });
              emit('outbox.changed', { ...entry });
            }, ms);
          later('sending', 300);
          later('delivered', 700);
          return ok(entry);
        },
        'outbox.list': (a) => ok(outbox.filter((e) => !a?.returnId || e.returnId === a.returnId)),
      };
      const api: Record<string, unknown> = {
        on: (event: string, listener: (p: unknown) => void) => {
          const set = listeners.get(event) ?? new Set();
          set.add(listener);
          listeners.set(event, set);
          return () => set.delete(listener);
        },
      };
      // Every channel of the real contract exists, as on the real bridge; those without a stand-in answer an error.
      const channels = allChannels;
      for (const channel of channels) {
        const [group, method] = channel.split('.') as [string, string];
        const g = (api[group] ??= {}) as Record<string, unknown>;
        g[method] = (args: unknown) =>
          failChannels.includes(channel)
            ? fail(channel)
            : handlers[channel]
              ? handlers[channel](args)
              : Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: channel } });
      }
      (window as unknown as { returnDesk: unknown }).returnDesk = api;
    },
    { rowCount: options.rows ?? 400, failChannels: options.failChannels ?? [], allChannels: Object.keys(contractChannels) },
  );
}

/** Web mode with a sandbox of its own (for clock and fault tests), in a fresh data folder. */
export async function startOwnWebMode(): Promise<{ url: string; sandbox: RunningSandbox; admin: SandboxAdmin; stop(): Promise<void> }> {
  const { startSandbox } = await import('../../sandbox/index.ts');
  const { sandboxAdmin } = await import('../../sandbox/admin-client.ts');
  const sandbox = await startSandbox({ port: 0, quiet: true, returns: 120 });
  const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url });
  return {
    url: web.url,
    sandbox,
    admin: sandboxAdmin(sandbox.url),
    stop: async () => {
      await web.stop();
      await sandbox.close().catch(() => undefined);
    },
  };
}

/** Decides every item of the open return with the first offered decision that needs no extra field. */
export async function decideSimply(page: Page): Promise<void> {
  const items = page.getByTestId('item-decision');
  await expect(items.first()).toBeVisible({ timeout: 30_000 });
  const n = await items.count();
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    const simple = item
      .locator(
        '[data-testid="choice-REFUND_MONEY"], [data-testid="choice-FAST_REFUND_MONEY"], [data-testid="choice-REPLACE"], [data-testid="choice-SEND_TO_EXAMINATION"]',
      )
      .first();
    await simple.check();
  }
}
