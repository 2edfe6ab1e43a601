import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyScheduler, sharedScheduler, resetSharedSchedulers } from '../../../main/market/scheduler.ts';
import { FakeClock, flush } from './fake-clock.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyScheduler', () => {
  it('runs at most 2 at once and picks by priority, FIFO within one', async () => {
    // No budgets: only the slots and the priorities decide (a budgeted method's first request goes alone, below).
    const s = new KeyScheduler({ clock: new FakeClock(0), limits: {} });
    const order: string[] = [];
    const gates: Array<() => void> = [];
    const task = (name: string) => () => {
      order.push(name);
      const d = deferred();
      gates.push(d.resolve);
      return d.promise;
    };
    const all = [
      s.run('getReturns', 'background', task('bg1')),
      s.run('getReturns', 'background', task('bg2')),
      s.run('getReturns', 'background', task('bg3')),
      s.run('getReturns', 'poll', task('poll1')),
      s.run('getReturn', 'interactive', task('ui1')),
      s.run('submitReturnDecision', 'decision', task('decide1')),
      s.run('getReturn', 'interactive', task('ui2')),
    ];
    await flush();
    expect(order).toEqual(['bg1', 'bg2']);
    expect(s.stats().inFlight).toBe(2);
    while (gates.length) {
      gates.shift()!();
      await flush();
    }
    await Promise.all(all);
    expect(order).toEqual(['bg1', 'bg2', 'decide1', 'ui1', 'ui2', 'poll1', 'bg3']);
    expect(s.stats().maxInFlightSeen).toBe(2);
  });

  it('holds a method whose budget is spent until it refills; other methods go on', async () => {
    const clock = new FakeClock(0);
    const s = new KeyScheduler({ clock, limits: { getReturns: { amount: 10, periodMs: 60_000 }, getReturn: { amount: 100, periodMs: 60_000 } } });
    const ran: string[] = [];
    // Background must leave 20% of the budget: 8 of 10 run now.
    const bg = Array.from({ length: 10 }, (_, i) => s.run('getReturns', 'background', async () => void ran.push(`r${i}`)));
    await flush();
    expect(ran).toHaveLength(8);
    // A decision-priority request of the same method may use the reserve.
    await s.run('getReturns', 'decision', async () => void ran.push('urgent'));
    expect(ran).toContain('urgent');
    await s.run('getReturn', 'background', async () => void ran.push('other'));
    expect(ran).toContain('other');
    await clock.advance(60_000);
    await Promise.all(bg);
    expect(ran.filter((r) => r.startsWith('r'))).toHaveLength(10);
  });

  it('follows X-RateLimit headers and a resource 420 until its reset time', async () => {
    const clock = new FakeClock(0);
    const s = new KeyScheduler({ clock });
    s.observeLimits('getReturns', { limit: 5000, remaining: 0, until: 30_000 });
    let ran = false;
    const p = s.run('getReturns', 'interactive', async () => void (ran = true));
    await clock.advance(29_000);
    expect(ran).toBe(false);
    await clock.advance(1_000);
    await p;
    expect(ran).toBe(true);
    s.exhaust('getReturn', 50_000);
    let ran2 = false;
    const p2 = s.run('getReturn', 'decision', async () => void (ran2 = true));
    await clock.advance(10_000);
    expect(ran2).toBe(false);
    await clock.advance(10_000);
    await p2;
    expect(ran2).toBe(true);
  });

  it('sends one request of a method alone until an answer says its budget is open, and again once that is 10 s old', async () => {
    const clock = new FakeClock(0);
    const s = new KeyScheduler({ clock });
    const started: string[] = [];
    const gates: Array<() => void> = [];
    const task = (name: string) => () => {
      started.push(name);
      const d = deferred();
      gates.push(d.resolve);
      return d.promise;
    };
    const first = ['a', 'b', 'c'].map((name) => s.run('getReturns', 'poll', task(name)));
    await flush();
    // Another client of the login may have spent the window since we last heard: if so, only this one is a 420.
    expect(started).toEqual(['a']);
    gates.shift()!();
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    while (gates.length) gates.shift()!();
    await Promise.all(first);
    await clock.advance(10_000);
    const later = ['d', 'e'].map((name) => s.run('getReturns', 'poll', task(name)));
    await flush();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates.shift()!();
    await flush();
    gates.shift()!();
    await Promise.all(later);
    // A 420 says the same until its window ends; an in-flight request answered 420 does not move that end earlier.
    s.exhaust('getReturns', 3_600_000);
    s.exhaust('getReturns', 3_000_000);
    expect(s.stats().budgets.getReturns).toMatchObject({ remaining: 0, resetAt: 3_600_000 });
  });

  it('rejects at once what would wait longer than maxWaitMs', async () => {
    const clock = new FakeClock(0);
    const s = new KeyScheduler({ clock });
    s.exhaust('getReturns', 3_600_000);
    await expect(s.run('getReturns', 'poll', async () => 1, { maxWaitMs: 60_000, tooLong: (at) => new Error(`until ${at}`) })).rejects.toThrow('until 3600000');
    const waiting = s.run('getReturns', 'poll', async () => 2, { maxWaitMs: 4_000_000 });
    await clock.advance(3_600_000);
    await expect(waiting).resolves.toBe(2);
  });

  it('pauses everything after a parallel-limit 420', async () => {
    const clock = new FakeClock(0);
    const s = new KeyScheduler({ clock });
    s.pauseAll(1_000);
    let ran = false;
    const p = s.run('getCampaigns', 'decision', async () => void (ran = true));
    await clock.advance(999);
    expect(ran).toBe(false);
    await clock.advance(1);
    await p;
    expect(ran).toBe(true);
  });

  it('halt rejects queued and future work; resume accepts again; abort removes a queued task', async () => {
    const s = new KeyScheduler({ clock: new FakeClock(0), maxInFlight: 1 });
    const gate = deferred();
    const first = s.run('getReturns', 'poll', () => gate.promise);
    const queued = s.run('getReturns', 'poll', async () => 'never');
    const controller = new AbortController();
    const aborted = s.run('getReturns', 'poll', async () => 'never', { signal: controller.signal });
    controller.abort(new Error('operator closed the return'));
    await expect(aborted).rejects.toThrow('operator closed the return');
    const error = new Error('401');
    s.halt(error);
    await expect(queued).rejects.toBe(error);
    await expect(s.run('getReturns', 'decision', async () => 1)).rejects.toBe(error);
    gate.resolve();
    await first;
    s.resume();
    await expect(s.run('getReturns', 'decision', async () => 2)).resolves.toBe(2);
  });

  it('shares one scheduler per key and base URL', () => {
    resetSharedSchedulers();
    const a = sharedScheduler('http://x', 'key-1');
    expect(sharedScheduler('http://x', 'key-1')).toBe(a);
    expect(sharedScheduler('http://x', 'key-2')).not.toBe(a);
    expect(sharedScheduler('http://y', 'key-1')).not.toBe(a);
    resetSharedSchedulers();
    expect(sharedScheduler('http://x', 'key-1')).not.toBe(a);
  });
});

describe('sleepOn on the system clock', () => {
  it('holds the process open while awaited (system timers are unref-ed), so a one-shot command finishes its retry', () => {
    const scheduler = join(import.meta.dirname, '..', '..', '..', 'main', 'market', 'scheduler.ts');
    const script = `import { sleepOn, systemClock } from ${JSON.stringify(scheduler)}; await sleepOn(systemClock, 300); process.stdout.write('slept');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stdout).toBe('slept');
  });
});
