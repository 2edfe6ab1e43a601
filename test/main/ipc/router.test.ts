import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../preload/contract.ts';
import { createRouter, DomainError, EventHub, type Handlers, type Sender } from '../../../main/ipc/router.ts';
import { liveServices } from '../../helpers/services.ts';
import { memoryLogger } from '../../helpers/logs.ts';

/** Handlers that answer every channel with the default settings; tests override the ones they need. */
const stubHandlers = (overrides: Partial<Handlers>): Handlers =>
  new Proxy(overrides, { get: (target, key) => (target as Record<PropertyKey, unknown>)[key] ?? (() => DEFAULT_SETTINGS) }) as Handlers;

const trusted: Sender = { transport: 'ipc', id: 'win-1', origin: 'app://returndesk', mainFrame: true };

async function setup() {
  const { logger, lines } = memoryLogger();
  const { services } = await liveServices(logger);
  services.trustedOrigins.add('app://returndesk');
  return { services, lines };
}

describe('the IPC router', () => {
  it('answers a valid call with { ok: true, value } that matches the contract', async () => {
    const { services } = await setup();
    const result = await services.router.dispatch('app.info', undefined, trusted);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value as object).toMatchObject({ name: 'ReturnDesk', transport: 'ipc', mode: 'live', apiHost: '127.0.0.1:9' });
  });

  it('refuses an unknown channel with a clear error and logs it', async () => {
    const { services, lines } = await setup();
    const result = await services.router.dispatch('returns.deleteEverything', {}, trusted);
    expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'There is no channel named "returns.deleteEverything".' } });
    expect(lines.some((l) => l.includes('unknown channel refused'))).toBe(true);
  });

  it('refuses inherited property names as channels', async () => {
    const { services } = await setup();
    for (const name of ['constructor', '__proto__', 'toString', 42, null, { toString: undefined }, Object.create(null)]) {
      const result = await services.router.dispatch(name, undefined, trusted);
      expect(result.ok ? 'ok' : result.error.code).toBe('UNKNOWN_CHANNEL');
    }
  });

  it('refuses a foreign origin and a sub-frame before parsing anything', async () => {
    const { services, lines } = await setup();
    const foreign = await services.router.dispatch('settings.get', undefined, { ...trusted, origin: 'https://evil.example' });
    const subFrame = await services.router.dispatch('settings.get', undefined, { ...trusted, mainFrame: false });
    expect(foreign.ok ? 'ok' : foreign.error.code).toBe('FORBIDDEN_SENDER');
    expect(subFrame.ok ? 'ok' : subFrame.error.code).toBe('FORBIDDEN_SENDER');
    expect(lines.filter((l) => l.includes('untrusted sender refused'))).toHaveLength(2);
  });

  it('refuses arguments that fail the schema, naming the field and the rule, and changes nothing', async () => {
    const { services } = await setup();
    const before = await services.router.dispatch('settings.get', undefined, trusted);
    const result = await services.router.dispatch('settings.set', { pollFastSeconds: 1, theme: 'neon' }, trusted);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_ARGUMENTS');
      expect(result.error.issues?.map((i) => i.path).sort()).toEqual(['pollFastSeconds', 'theme']);
      expect(result.error.message).toMatch(/settings\.set: /);
    }
    const extra = await services.router.dispatch('settings.set', { apiKey: 'sneaky' }, trusted);
    expect(extra.ok ? 'ok' : extra.error.code).toBe('INVALID_ARGUMENTS');
    expect(await services.router.dispatch('settings.get', undefined, trusted)).toEqual(before);
  });

  it('turns a throwing handler into HANDLER_FAILED, a DomainError into its code, a bad result into INVALID_RESULT', async () => {
    const { logger, lines } = memoryLogger();
    const router = createRouter({
      logger,
      isTrusted: () => true,
      handlers: stubHandlers({
        'settings.get': () => {
          throw new Error('disk on fire');
        },
        'app.ready': () => {
          throw new DomainError('CONFLICT', 'already decided');
        },
        'app.ping': () => ({ text: 42 }) as never,
      }),
    });
    expect(await router.dispatch('settings.get', undefined, trusted)).toEqual({
      ok: false,
      error: { code: 'HANDLER_FAILED', message: 'settings.get failed: disk on fire' },
    });
    expect(await router.dispatch('app.ready', undefined, trusted)).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'already decided' } });
    const bad = await router.dispatch('app.ping', { text: 'x' }, trusted);
    expect(bad.ok ? 'ok' : bad.error.code).toBe('INVALID_RESULT');
    expect(lines.some((l) => l.includes('handler failed') && l.includes('disk on fire'))).toBe(true);
  });

  it('strips fields a handler should not have sent', async () => {
    const { logger } = memoryLogger();
    const router = createRouter({
      logger,
      isTrusted: () => true,
      handlers: stubHandlers({ 'settings.get': () => ({ ...DEFAULT_SETTINGS, apiKey: 'secret-key' }) }),
    });
    const result = await router.dispatch('settings.get', undefined, trusted);
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain('secret-key');
  });

  it('applies a valid settings patch and emits settings.changed', async () => {
    const { services } = await setup();
    const seen: unknown[] = [];
    services.events.subscribe('win-1', (event, payload) => seen.push([event, payload]));
    services.events.ready('win-1');
    const result = await services.router.dispatch('settings.set', { theme: 'dark', alertThresholdsHours: [12, 2] }, trusted);
    expect(result.ok && (result.value as { theme: string }).theme).toBe('dark');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject(['settings.changed', { theme: 'dark', alertThresholdsHours: [12, 2] }]);
  });
});

describe('the event hub', () => {
  it('holds events until the subscriber is ready, then flushes them in order', () => {
    const { logger } = memoryLogger();
    const hub = new EventHub(logger);
    const seen: unknown[] = [];
    hub.subscribe('a', (_event, payload) => seen.push(payload));
    hub.emit('app.pong', { seq: 1, text: 'one' });
    hub.emit('app.pong', { seq: 2, text: 'two' });
    expect(seen).toEqual([]);
    expect(hub.ready('a')).toBe(2);
    hub.emit('app.pong', { seq: 3, text: 'three' });
    expect(seen).toEqual([
      { seq: 1, text: 'one' },
      { seq: 2, text: 'two' },
      { seq: 3, text: 'three' },
    ]);
  });

  it('bounds what waits for a subscriber that never gets ready: dropped and told to close, others unharmed', () => {
    const { logger, lines } = memoryLogger();
    const hub = new EventHub(logger);
    let overflowed = 0;
    const seen: unknown[] = [];
    hub.subscribe(
      'never-ready',
      () => undefined,
      () => overflowed++,
    );
    hub.subscribe('ready', (_e, p) => seen.push(p));
    hub.ready('ready');
    // One connection's own pongs (emitTo), then broadcasts: the bound holds for both.
    for (let seq = 1; seq <= EventHub.MAX_QUEUE; seq++) hub.emitTo('never-ready', 'app.pong', { seq, text: 'x' });
    expect(overflowed).toBe(0);
    hub.emitTo('never-ready', 'app.pong', { seq: 0, text: 'one too many' });
    expect(overflowed).toBe(1);
    for (let i = 0; i < 2 * EventHub.MAX_QUEUE; i++) hub.emit('app.pong', { seq: i, text: 'broadcast' });
    expect(overflowed).toBe(1);
    expect(hub.ready('never-ready')).toBe(0); // dropped: nothing kept for it
    expect(seen).toHaveLength(2 * EventHub.MAX_QUEUE);
    expect(lines.some((l) => l.includes('overflowed its queue') && l.includes('never-ready'))).toBe(true);
  });

  it('bounds the bytes as well as the count', () => {
    const { logger } = memoryLogger();
    const hub = new EventHub(logger);
    let overflowed = 0;
    hub.subscribe(
      'slow',
      () => undefined,
      () => overflowed++,
    );
    const returnIds = Array.from({ length: 10_000 }, (_, i) => 10_000_000 + i);
    let sent = 0;
    while (overflowed === 0 && sent < EventHub.MAX_QUEUE) {
      hub.emit('returns.changed', { returnIds, full: false });
      sent++;
    }
    expect(overflowed).toBe(1);
    expect(sent * JSON.stringify({ returnIds, full: false }).length).toBeLessThan(EventHub.MAX_QUEUE_BYTES + 200_000);
  });

  it('refuses to send a payload outside the contract', () => {
    const { logger, lines } = memoryLogger();
    const hub = new EventHub(logger);
    const seen: unknown[] = [];
    hub.subscribe('a', (_e, p) => seen.push(p));
    hub.ready('a');
    hub.emit('app.pong', { seq: 'one', text: 1 } as never);
    expect(seen).toEqual([]);
    expect(lines.some((l) => l.includes('payload outside the contract'))).toBe(true);
  });
});
