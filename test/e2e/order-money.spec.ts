import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startWebProcess } from '../helpers/web-process.ts';
import { saveScreen, screenshotsDir } from './helpers.ts';
import { openApp, openReturnById, setLanguage } from './ui-helpers.ts';

interface World {
  url: string;
  sandbox: RunningSandbox;
  nonPurchase: number;
  kettles: number;
  stop(): Promise<void>;
}

/**
 * One order: a pair of shoes (11,940 ₽) the buyer left at the pickup point (a non-purchase) and two
 * kettles (2,090 ₽ each: 1,795 ₽ of money, 190 ₽ of Plus points, the Market's 105 ₽ subsidy) returned.
 */
async function startWorld(): Promise<World> {
  const sandbox = await startSandbox({ port: 0, quiet: true, returns: 20 });
  const admin = sandboxAdmin(sandbox.url);
  const info = await admin.info();
  const mine = info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id);
  const campaign = info.campaigns.find((c) => mine.includes(c.businessId) && c.program === 'FBS')!;
  const catalogue = (
    await fetch(`${sandbox.url}/v2/businesses/${campaign.businessId}/offer-mappings?limit=100`, {
      method: 'POST',
      headers: { 'Api-Key': sandbox.apiKey, 'content-type': 'application/json' },
      body: '{}',
    }).then(async (r) => ((await r.json()) as { result: { offerMappings: Array<{ offer: { offerId: string; name: string } }> } }).result.offerMappings)
  ).map((m) => m.offer);
  const offerOf = (prefix: string): string => catalogue.find((o) => o.name.startsWith(prefix))!.offerId;
  const nonPurchase = await admin.createReturn({
    campaignId: campaign.id,
    type: 'UNREDEEMED',
    items: [
      { offerId: offerOf('Кроссовки'), count: 1, price: 11_940 },
      { offerId: offerOf('Чайник'), count: 2, returnCount: 0, price: 2090, subsidy: 105, cashback: 190 },
    ],
  });
  const kettles = await admin.createReturn({ orderId: nonPurchase.orderId, type: 'RETURN', items: [{ offerId: offerOf('Чайник'), count: 2, photos: 0 }] });
  const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url }, mkdtempSync(join(tmpdir(), 'returndesk-money-')));
  return {
    url: web.url,
    sandbox,
    nonPurchase: nonPurchase.id,
    kettles: kettles.id,
    stop: async () => {
      await web.stop();
      await sandbox.close().catch(() => undefined);
    },
  };
}

/** The number in a formatted amount, whatever the language's separators ("RUB 4,180", "4 180 ₽", "−RUB 11,940"). */
function amount(text: string, locale: 'en' | 'ru'): number {
  const digits = locale === 'en' ? text.replace(/[^\d.]/g, '') : text.replace(/[^\d,]/g, '').replace(',', '.');
  return (/[−-]/.test(text) ? -1 : 1) * Number(digits);
}

async function expectMoney(page: Page, locale: 'en' | 'ru', world: World): Promise<void> {
  const block = page.getByTestId('order-money');
  const value = async (testId: string) => amount(await block.getByTestId(testId).innerText(), locale);
  expect(await value('cost-payment')).toBe(15_530);
  expect(await value('cost-cashback')).toBe(380);
  expect(await value('cost-subsidy')).toBe(210);
  expect(await value('order-cost')).toBe(16_120);
  const takeBacks = block.getByTestId('take-back');
  await expect(takeBacks).toHaveCount(2);
  expect(amount(await takeBacks.nth(0).locator('td').innerText(), locale)).toBe(-11_940);
  await expect(takeBacks.nth(0)).toHaveAttribute('data-return-id', String(world.nonPurchase));
  expect(await value('refund-amount')).toBe(-4180);
  expect(await value('order-remains')).toBe(0);
  // The order's lines at their totals: one pair of shoes, both kettles.
  const lines = page.getByTestId('order-item-amount');
  expect(amount(await lines.nth(0).innerText(), locale)).toBe(11_940);
  expect(amount(await lines.nth(1).innerText(), locale)).toBe(4180);
}

test.describe('the money of a return’s order, as the Market counts it (web mode, own sandbox)', () => {
  test.describe.configure({ mode: 'serial' });
  let world: World;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    world = await startWorld();
  });
  test.afterAll(async () => {
    await world?.stop();
  });

  test('a 2-unit line with Plus points and a subsidy, beside a sibling non-purchase, in both languages', async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 1280, height: 1100 });
    await openApp(page, world.url);
    await openReturnById(page, world.kettles);
    await expectMoney(page, 'en', world);
    // The item's decision names its position: both kettles, with what they are made of; the refund beside
    // the buyer's reason is labelled as the refund.
    const form = page.getByTestId('decision-panel');
    const item = form.getByTestId('item-decision').first();
    const legend = item.getByTestId('position-amount');
    await expect(legend).toHaveAttribute('data-total', '4180', { timeout: 30_000 });
    await expect(legend).toContainText('for 2 items');
    await expect(legend).toContainText('Market subsidy');
    await expect(item.getByTestId('item-refund')).toContainText(/Refund RUB\s4,180/);
    await form.getByTestId('choice-PARTIAL_MONEY_REFUND').check();
    // The ceiling is 50 % of the position (4,180 ₽), not of one kettle.
    await expect(form.getByTestId('compensation-bounds')).toContainText('2,090');
    await saveScreen(page, 'order-money-en');
    await page.getByTestId('order').screenshot({ path: join(screenshotsDir, 'order-money-block-en.png') });

    await setLanguage(page, 'ru');
    await expect(page.getByTestId('order-money')).toContainText('Стоимость заказа');
    await expectMoney(page, 'ru', world);
    await expect(page.getByTestId('order-money')).toContainText('Невыкуп');
    await expect(legend).toContainText('за 2 штуки');
    await expect(item.getByTestId('item-refund')).toContainText('Сумма возврата');
    await saveScreen(page, 'order-money-ru');
    await page.getByTestId('order').screenshot({ path: join(screenshotsDir, 'order-money-block-ru.png') });
    await setLanguage(page, '');
  });

  test('the sibling non-purchase shows the same balance', async ({ page }) => {
    await openApp(page, world.url);
    await openReturnById(page, world.nonPurchase);
    const block = page.getByTestId('order-money');
    expect(amount(await block.getByTestId('order-remains').innerText(), 'en')).toBe(0);
    expect(amount(await block.getByTestId('refund-amount').innerText(), 'en')).toBe(-11_940);
    // No decision form for a non-purchase: its items carry their position themselves.
    await expect(page.getByTestId('return-item').getByTestId('position-amount')).toHaveAttribute('data-total', '11940');
  });
});
