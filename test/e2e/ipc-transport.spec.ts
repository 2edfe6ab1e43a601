import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { build, type Rolldown } from 'vite';
import { createLogger } from '../../main/log.ts';
import { channels } from '../../preload/contract.ts';
import type { Sender } from '../../main/ipc/router.ts';
import { startWebServer } from '../../main/web/server.ts';
import { liveServices } from '../helpers/services.ts';
import { saveScreen } from './helpers.ts';
import { openSettings } from './ui-helpers.ts';

const root = join(import.meta.dirname, '..', '..');

/** The real preload, bundled for a plain page with 'electron' replaced by a Playwright-backed shim. */
async function preloadForPage(): Promise<string> {
  const output = (await build({
    configFile: false,
    root,
    logLevel: 'silent',
    resolve: { alias: { electron: join(root, 'test', 'e2e', 'fixtures', 'electron-shim.ts') } },
    build: { write: false, minify: false, lib: { entry: join(root, 'preload', 'index.ts'), formats: ['iife'], name: 'returnDeskPreload' } },
  })) as Rolldown.RolldownOutput[];
  const chunk = output[0]?.output.find((o) => o.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('preload bundle missing');
  return chunk.code;
}

test('the same renderer works over the IPC transport (real preload and router, IPC via a binding)', async ({ page }) => {
  const logger = createLogger({ sinks: [] });
  const { services } = await liveServices(logger);
  // The static server only serves files here; no token is given to the page, so no WebSocket is used.
  const server = await startWebServer({ services, logger, rendererDir: join(root, 'out', 'renderer'), port: 0 });
  const id = 'win-playwright';
  services.events.subscribe(id, (event, payload) => {
    void page
      .evaluate(([e, p]) => (window as unknown as { __rdIpcEmit(c: string, ...a: unknown[]): void }).__rdIpcEmit('returndesk:event', e, p), [
        event,
        payload,
      ] as const)
      .catch(() => undefined);
  });
  await page.exposeBinding('__rdIpcInvoke', (source, _channel: string, channel: unknown, args: unknown) => {
    const frameUrl = new URL(source.frame.url());
    const sender: Sender = { transport: 'ipc', id, origin: frameUrl.origin, mainFrame: source.frame === source.page.mainFrame() };
    return services.router.dispatch(channel, args, sender);
  });
  await page.addInitScript({ content: await preloadForPage() });
  try {
    await page.goto(`${server.origin}/`);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    // The diagnostics live in Settings → About.
    await openSettings(page);
    await expect(page.getByTestId('app-transport')).toHaveText('Desktop (IPC)');
    // The transport both ways through the real preload: a call answered, then main's events pushed back.
    const exchange = await page.evaluate(async () => {
      const api = window.returnDesk!;
      const pongs: number[] = [];
      const off = api.on('app.pong', (p) => pongs.push(p.seq));
      const answer = await api.app.ping({ text: 'hello from the renderer', count: 3 });
      const deadline = Date.now() + 10_000;
      while (pongs.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      off();
      return { echo: answer.ok ? answer.value.text : answer.error.message, pongs };
    });
    expect(exchange).toEqual({ echo: 'hello from the renderer', pongs: [1, 2, 3] });
    await page.getByTestId('theme').selectOption('dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await saveScreen(page, 'shell-ipc');
    // The page cannot reach ipcRenderer itself: only the frozen domain API is exposed.
    const groups = [...new Set(Object.keys(channels).map((c) => c.split('.')[0]!)), 'on'].sort();
    expect(await page.evaluate(() => Object.keys(window.returnDesk ?? {}).sort())).toEqual(groups);
    expect(await page.evaluate(() => typeof (window as unknown as { ipcRenderer?: unknown }).ipcRenderer)).toBe('undefined');
  } finally {
    await server.close();
    await services.close();
  }
});
