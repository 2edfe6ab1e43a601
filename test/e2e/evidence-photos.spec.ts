import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { sandboxAdmin, type SandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startWebProcess } from '../helpers/web-process.ts';
import { saveScreen } from './helpers.ts';
import { openApp, openReturnById } from './ui-helpers.ts';

const root = join(import.meta.dirname, '..', '..');

interface World {
  url: string;
  dataDir: string;
  sandbox: RunningSandbox;
  admin: SandboxAdmin;
  photoReturn: number;
  disputeReturn: number;
  manyPhotosReturn: number;
  hashes: string[];
  stop(): Promise<void>;
}

/** A sandbox prepared before web mode starts (so the first sync sees it), then web mode over it. */
async function startWorld(): Promise<World> {
  const sandbox = await startSandbox({ port: 0, quiet: true, returns: 40 });
  const admin = sandboxAdmin(sandbox.url);
  const info = await admin.info();
  const mine = info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id);
  const campaign = info.campaigns.find((c) => mine.includes(c.businessId) && c.program !== 'DBS')!;
  const photoReturn = await admin.createReturn({
    campaignId: campaign.id,
    type: 'RETURN',
    items: [
      {
        photos: 4,
        images: [
          { format: 'jpeg', width: 1600, height: 1200 },
          { format: 'png', width: 800, height: 600 },
          { format: 'jpeg', width: 4000, height: 3000 },
          { format: 'jpeg', width: 640, height: 480 },
        ],
      },
    ],
  });
  const hashes = photoReturn.items.flatMap((i) => i.decisions?.flatMap((d) => d.images ?? []) ?? []);
  await admin.setPhotoFault(hashes[3]!, 'truncated');
  const many = await admin.createReturn({
    campaignId: campaign.id,
    type: 'RETURN',
    items: [{ photos: 8, images: Array.from({ length: 8 }, () => ({ format: 'jpeg' as const, width: 320, height: 240 })) }],
  });
  const dispute = await admin.createReturn({
    campaignId: campaign.id,
    type: 'RETURN',
    items: [{ photos: 1, images: [{ format: 'jpeg', width: 800, height: 600 }] }],
  });
  await admin.setReturnStatus(dispute.id, 'PREMODERATION_DECISION_MADE', { force: true });
  await admin.openDispute(dispute.id);
  const web = await startWebProcess(
    { RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url },
    mkdtempSync(join(tmpdir(), 'returndesk-evidence-')),
  );
  return {
    url: web.url,
    dataDir: web.dataDir,
    sandbox,
    admin,
    photoReturn: photoReturn.id,
    disputeReturn: dispute.id,
    manyPhotosReturn: many.id,
    hashes,
    stop: async () => {
      await web.stop();
      await sandbox.close().catch(() => undefined);
    },
  };
}

test.describe('evidence: photos, application, chats and disputes (web mode, own sandbox)', () => {
  test.describe.configure({ mode: 'serial' });
  let world: World;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    world = await startWorld();
  });
  test.afterAll(async () => {
    await world?.stop();
  });

  test('gallery, side-by-side viewer with synced zoom, rotate, keyboard, broken tile', async ({ page }) => {
    test.setTimeout(240_000);
    await openApp(page, world.url);
    await openReturnById(page, world.photoReturn);
    // The photos sit with their item, in the return's first screen.
    const evidence = page.getByTestId('gallery').first();
    await expect(evidence.getByTestId('gallery-count')).toContainText('4', { timeout: 30_000 });
    const tiles = evidence.getByTestId('photo-tile');
    await expect(tiles).toHaveCount(4);
    const tile = (i: number) => evidence.locator(`[data-testid="photo-tile"][data-image-hash="${world.hashes[i]}"]`);
    // The cut-short JPEG is a broken tile with its reason; the others load.
    await expect(tile(3)).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
    await expect(tile(3)).toHaveAttribute('data-problem', 'truncated');
    await expect(tile(3)).toHaveAttribute('title', /cut short/);
    await expect(tile(0).locator('img')).toBeVisible({ timeout: 60_000 });
    await expect(tile(1).locator('img')).toBeVisible({ timeout: 60_000 });
    await expect(tile(2).locator('img')).toBeVisible({ timeout: 120_000 });
    await evidence.scrollIntoViewIfNeeded();
    await saveScreen(page, 'evidence-gallery');

    // The 12-megapixel photo in the viewer: from the click to the image decoded.
    await page.evaluate(() =>
      document.addEventListener('click', () => ((window as unknown as { __t0: number }).__t0 = performance.now()), { capture: true, once: true }),
    );
    await tile(2).click();
    const viewer = page.getByTestId('viewer');
    await expect(viewer).toBeVisible();
    const big = viewer.getByTestId('viewer-image').first();
    await expect(big).toHaveAttribute('data-decoded-at', /\d/, { timeout: 60_000 });
    const openMs = await page.evaluate(
      () => Number(document.querySelector<HTMLImageElement>('[data-testid="viewer-image"]')!.dataset.decodedAt) - (window as unknown as { __t0: number }).__t0,
    );
    await expect(viewer.getByTestId('pane-info').first()).toContainText('4000×3000 · JPEG');
    // What the operator judges first is the screen-sized copy (4000×3000 fits 2560×1600 as 2133×1600), said under the picture.
    await expect(big).toHaveAttribute('data-variant', 'screen');
    await expect(big).toHaveAttribute('src', /^media\/screen\/[0-9a-f]{64}\?k=/);
    const shown = viewer.getByTestId('pane-shown').first();
    await expect(shown).toHaveAttribute('data-variant', 'screen');
    await expect(shown).toContainText('2133×1600');
    expect(await big.evaluate((img: HTMLImageElement) => `${img.naturalWidth}×${img.naturalHeight}`)).toBe('2133×1600');
    // 1:1 needs more pixels than the copy has: the original is loaded over it, and the caption says so.
    await page.keyboard.press('1');
    const original = viewer.getByTestId('viewer-original').first();
    await expect(original).toHaveAttribute('src', /^media\/photo\/[0-9a-f]{64}\?k=/);
    await expect(original).toHaveAttribute('data-decoded-at', /\d/, { timeout: 60_000 });
    await expect(original).toBeVisible();
    await expect(shown).toHaveAttribute('data-variant', 'original');
    await expect(viewer.getByTestId('pane-info').first()).toContainText('· 100%');
    expect(await original.evaluate((img: HTMLImageElement) => `${img.naturalWidth}×${img.naturalHeight}`)).toBe('4000×3000');
    await saveScreen(page, 'evidence-viewer-12mp-one-to-one');
    // "Download the original": the photo's bytes as the Market sent them.
    const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByTestId('download-original').first().click()]);
    const downloaded = join(mkdtempSync(join(tmpdir(), 'rd-dl-')), 'photo.jpg');
    await download.saveAs(downloaded);
    const head = readFileSync(downloaded);
    expect(head.subarray(0, 3).toString('hex')).toBe('ffd8ff');
    expect(head.length).toBeGreaterThan(1_000_000);
    await page.keyboard.press('0');
    // The same photo once more: now from the browser's and main's caches.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    mkdirSync(join(root, 'test-results'), { recursive: true });
    writeFileSync(
      join(root, 'test-results', 'photos-viewer.json'),
      `${JSON.stringify({ openTwelveMegapixelMs: Math.round(openMs), at: new Date().toISOString() })}\n`,
    );
    await saveScreen(page, 'evidence-viewer-12mp');

    // Two panes side by side, synced zoom.
    await viewer.getByTestId('panes-2').click();
    const panes = viewer.getByTestId('viewer-pane');
    await expect(panes).toHaveCount(2);
    await panes.nth(1).getByTestId('pane-source').selectOption({ index: 0 });
    await expect(panes.nth(1).getByTestId('viewer-image')).toBeVisible({ timeout: 30_000 });
    await expect(viewer).toHaveAttribute('data-sync', 'true');
    await panes.nth(0).click();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect(panes.nth(0)).toHaveAttribute('data-zoom', '1.563');
    await expect(panes.nth(1)).toHaveAttribute('data-zoom', '1.563');
    // Wheel zoom to the cursor in pane 2 moves both.
    const box = (await panes.nth(1).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.4);
    await page.mouse.wheel(0, -200);
    await expect(panes.nth(0)).not.toHaveAttribute('data-zoom', '1.563');
    const z0 = await panes.nth(0).getAttribute('data-zoom');
    expect(await panes.nth(1).getAttribute('data-zoom')).toBe(z0);
    // Sync off: zoom acts on the active pane only.
    await page.keyboard.press('s');
    await expect(viewer).toHaveAttribute('data-sync', 'false');
    await page.keyboard.press('0');
    await expect(panes.nth(1)).toHaveAttribute('data-zoom', '1.000');
    await expect(panes.nth(0)).toHaveAttribute('data-zoom', z0!);
    // Rotate (R) and keyboard through the photos of the active pane.
    await page.keyboard.press('r');
    await expect(panes.nth(1)).toHaveAttribute('data-rot', '90');
    const before = await panes.nth(1).getAttribute('data-source');
    await page.keyboard.press('ArrowRight');
    await expect(panes.nth(1)).not.toHaveAttribute('data-source', before!);
    await page.keyboard.press('1');
    await saveScreen(page, 'evidence-viewer-side-by-side');
    await page.keyboard.press('Escape');
    await expect(viewer).toBeHidden();

    // "Compare": the buyer's photo beside the item's catalogue picture, docked beside the return (not over it).
    await page.getByTestId('compare').first().click();
    await expect(viewer).toHaveAttribute('data-docked', 'true');
    await expect(panes.nth(0)).toHaveAttribute('data-source', /^photo:/);
    await expect(panes.nth(1)).toHaveAttribute('data-source', /^catalog:/, { timeout: 60_000 });
    const viewerBox = (await viewer.boundingBox())!;
    const detailBox = (await page.getByTestId('detail').boundingBox())!;
    expect(viewerBox.x + viewerBox.width).toBeLessThanOrEqual(detailBox.x + 1);
    await expect(panes.nth(1).getByTestId('viewer-image')).toBeVisible({ timeout: 60_000 });
    // 1:1 is 100 % in each pane, whatever the sizes of the photo and the catalogue picture.
    await panes.nth(0).click();
    await page.keyboard.press('1');
    await expect(panes.nth(0).getByTestId('pane-info')).toContainText('· 100%');
    await expect(panes.nth(1).getByTestId('pane-info')).toContainText('· 100%');
    await saveScreen(page, 'evidence-viewer-docked-compare');
    await viewer.getByTestId('viewer-dock').click();
    await expect(viewer).toHaveAttribute('data-docked', 'false');
    await viewer.getByTestId('viewer-dock').click();
    await viewer.getByTestId('viewer-close').click();
    await expect(viewer).toBeHidden();
  });

  test('a gallery longer than its strip says how many it shows, and "+3" opens the rest', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page, world.url);
    await openReturnById(page, world.manyPhotosReturn);
    const gallery = page.getByTestId('gallery').first();
    await expect(gallery.getByTestId('gallery-count')).toContainText(/5 of 8|5 из 8/);
    await expect(gallery.getByTestId('photo-tile')).toHaveCount(5);
    await expect(gallery.getByTestId('photos-more')).toHaveText('+3');
    await gallery.getByTestId('photos-more').click();
    const pane = page.getByTestId('viewer-pane').first();
    await expect(pane).toHaveAttribute('data-source', /^photo:/);
    const keys = await page
      .getByTestId('pane-source')
      .first()
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).textContent));
    expect(keys[5]).toMatch(/^(Photo|Фото) 6/);
    await expect(page.getByTestId('pane-source').first()).toHaveValue('5');
    await page.getByTestId('viewer-close').click();
  });

  test('application PDF inside the app, with a download of the cached file', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page, world.url);
    await openReturnById(page, world.photoReturn);
    await page.getByTestId('show-application').click();
    const pdfPage = page.getByTestId('pdf-page').first();
    await expect(pdfPage).toHaveAttribute('data-rendered', 'true', { timeout: 60_000 });
    const link = page.getByTestId('download-application');
    await expect(link).toHaveAttribute('download', `return-application-${world.photoReturn}.pdf`);
    const download = await Promise.all([page.waitForEvent('download'), link.click()]).then(([d]) => d);
    const saved = join(mkdtempSync(join(tmpdir(), 'rd-dl-')), 'a.pdf');
    await download.saveAs(saved);
    expect(readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');
    await pdfPage.scrollIntoViewIfNeeded();
    await saveScreen(page, 'evidence-application-pdf');
  });

  test('opens the chat about the return and sends a message the Market receives', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page, world.url);
    await openReturnById(page, world.photoReturn);
    await page.getByTestId('open-chat').click();
    await expect(page.getByTestId('chat')).toBeVisible({ timeout: 30_000 });
    const text = `Добрый день! Уточните, пожалуйста, дефект (e2e ${Date.now()}).`;
    await page.getByTestId('chat-input').fill(text);
    await page.getByTestId('chat-send').click();
    await expect(page.getByTestId('chat-message').last()).toContainText(text);
    // The sandbox has it: read the chat history straight from the wire.
    const info = await world.admin.info();
    const businessId = info.businesses.find((b) => b.key === 'apiKey')!.id;
    const chats = (await (
      await fetch(`${world.sandbox.url}/v2/businesses/${businessId}/chats`, {
        method: 'POST',
        headers: { 'Api-Key': world.sandbox.apiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ contexts: [{ type: 'RETURN', id: world.photoReturn }] }),
      })
    ).json()) as { result: { chats: Array<{ chatId: number }> } };
    const chatId = chats.result.chats[0]!.chatId;
    const history = (await (
      await fetch(`${world.sandbox.url}/v2/businesses/${businessId}/chats/history?chatId=${chatId}`, {
        method: 'POST',
        headers: { 'Api-Key': world.sandbox.apiKey, 'Content-Type': 'application/json' },
        body: '{}',
      })
    ).json()) as { result: { messages: Array<{ sender: string; message?: string }> } };
    expect(history.result.messages.some((m) => m.sender === 'PARTNER' && m.message === text)).toBe(true);
    await page.getByTestId('chat').scrollIntoViewIfNeeded();
    await saveScreen(page, 'evidence-chat');
  });

  test('a dispute shows its arbitrage chat; the evidence pack lands on disk', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page, world.url);
    await openReturnById(page, world.disputeReturn);
    await expect(page.getByTestId('dispute-banner')).toBeVisible();
    await expect(page.getByTestId('chat')).toHaveAttribute('data-chat-type', 'ARBITRAGE', { timeout: 30_000 });
    await expect(page.getByTestId('chat-message').first()).toContainText('арбитр');
    await page.getByTestId('open-disputes').click();
    const workspace = page.getByTestId('disputes');
    const card = workspace.locator(`[data-testid="dispute"][data-return-id="${world.disputeReturn}"]`);
    await expect(card).toBeVisible({ timeout: 30_000 });
    // ChatStatusType: "`WAITING_FOR_ARBITER` — нужен ответ арбитра": said in words, not the code.
    await expect(card.getByTestId('dispute-chat')).toContainText(/Waiting for the arbiter|Ждёт ответа арбитра/);
    await card.getByTestId('save-pack').click();
    const result = card.getByTestId('pack-result');
    await expect(result).toBeVisible({ timeout: 60_000 });
    const folder = (await result.getAttribute('data-folder'))!;
    expect(folder.startsWith(join(world.dataDir, 'evidence', `${world.disputeReturn}-`))).toBe(true);
    const files = readdirSync(folder);
    expect(files).toEqual(
      expect.arrayContaining(['application.pdf', 'decision-history.json', 'decision-history.txt', 'manifest.json', 'return.json', 'photos']),
    );
    expect(files.some((f) => /^chat-\d+-arbitrage\.txt$/.test(f))).toBe(true);
    expect(readdirSync(join(folder, 'photos'))).toHaveLength(1);
    expect(readFileSync(join(folder, 'application.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(existsSync(join(folder, 'manifest.json'))).toBe(true);
    await saveScreen(page, 'evidence-disputes');
  });
});
