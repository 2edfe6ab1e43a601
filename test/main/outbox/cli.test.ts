import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDecideArgs, runDecide, runOutboxDrain, runOutboxList } from '../../../main/outbox/cli.ts';
import { acceptedByReturn, FAST_BACKOFF, itemIds, newReturn, startHarness, type Harness } from './helpers.ts';

describe('parseDecideArgs', () => {
  it('reads the single-item flags', () => {
    expect(parseDecideArgs({ returnId: '5', item: '7', type: 'decline_refund', reason: 'MECHANICAL_DAMAGE', comment: 'a:b=c' })).toEqual({
      draft: { returnId: 5, items: [{ returnItemId: 7, decisionType: 'DECLINE_REFUND', reasonType: 'MECHANICAL_DAMAGE', comment: 'a:b=c' }] },
    });
    expect(parseDecideArgs({ returnId: 5, type: 'PARTIAL_MONEY_REFUND', compensation: '150,5' }, 9)).toEqual({
      draft: { returnId: 5, items: [{ returnItemId: 9, decisionType: 'PARTIAL_MONEY_REFUND', compensation: 150.5 }] },
    });
  });

  it('reads repeated ID:TYPE[:REASON[:COMPENSATION]] items with ID=TEXT comments', () => {
    expect(
      parseDecideArgs({
        returnId: 5,
        item: ['1:REFUND_MONEY', '2:DECLINE_REFUND:MECHANICAL_DAMAGE', '3:PARTIAL_MONEY_REFUND::99.9'],
        comment: ['2=Скол: видно, что "удар"'],
      }),
    ).toEqual({
      draft: {
        returnId: 5,
        items: [
          { returnItemId: 1, decisionType: 'REFUND_MONEY' },
          { returnItemId: 2, decisionType: 'DECLINE_REFUND', reasonType: 'MECHANICAL_DAMAGE', comment: 'Скол: видно, что "удар"' },
          { returnItemId: 3, decisionType: 'PARTIAL_MONEY_REFUND', compensation: 99.9 },
        ],
      },
    });
  });

  it.each([
    [{ returnId: 'x', item: '1', type: 'REFUND_MONEY' }, /--return must be a positive integer/],
    [{ returnId: 5, item: '1' }, /--type is required/],
    [{ returnId: 5, type: 'REFUND_MONEY' }, /--item is required/],
    [{ returnId: 5, item: ['1:REFUND_MONEY', '2:'] }, /has no decision type/],
    [{ returnId: 5, item: ['1:REFUND_MONEY'], comment: ['no id'] }, /--comment must be ID=TEXT/],
    [{ returnId: 5, item: ['1:REFUND_MONEY'], comment: ['2=x'] }, /which no --item names/],
    [{ returnId: 5, item: ['1:REFUND_MONEY'], type: 'REPAIR' }, /are for a single item/],
    [{ returnId: 5, item: '1', type: 'PARTIAL_MONEY_REFUND', compensation: 'abc' }, /--compensation must be a number/],
    [{ returnId: 5, item: ['1:A:B:C:D'] }, /too many parts/],
  ])('names the wrong argument: %j', (args, message) => {
    const result = parseDecideArgs(args);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('decide and outbox list|drain against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const base = () => ({
    dataDir: h.dir,
    apiKey: h.sandbox.apiKey,
    baseUrl: h.sandbox.url,
    client: { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 40 } },
    outbox: { backoff: FAST_BACKOFF },
  });

  it('queues through the same checks as the UI, lists, and drains', async () => {
    const one = await newReturn(h);
    const two = await newReturn(h, { items: [{}, {}] });
    const [a, b] = itemIds(two) as [number, number];
    await h.reopen(); // the CLI opens the database itself; close ours first
    h.store.close();

    const out: string[] = [];
    const write = { write: (t: string) => out.push(t) };
    const refused = await runDecide({ ...base(), out: write, returnId: one.id, type: 'DECLINE_REFUND' });
    expect(refused.code).toBe(3);
    expect(refused.issues!.map((i) => i.rule).sort()).toEqual(['comment.required', 'reasonType.required']);
    expect(refused.text).toMatch(/Refused; nothing was queued/);
    expect(runOutboxList({ dataDir: h.dir }).entries).toEqual([]);

    const single = await runDecide({ ...base(), out: write, returnId: one.id, type: 'REFUND_MONEY', operator: 'cli-оператор' });
    expect(single.code).toBe(0);
    expect(single.entry).toMatchObject({
      state: 'queued',
      operator: 'cli-оператор',
      draft: { items: [{ returnItemId: itemIds(one)[0], decisionType: 'REFUND_MONEY' }] },
    });
    const multi = await runDecide({
      ...base(),
      returnId: two.id,
      item: [`${a}:REFUND_MONEY`, `${b}:DECLINE_REFUND:MECHANICAL_DAMAGE`],
      comment: [`${b}=Скол на корпусе`],
    });
    expect(multi.code).toBe(0);
    const bad = await runDecide({ ...base(), returnId: two.id, item: `${a}:REFUND_MONEY` });
    expect(bad.code).toBe(3);
    expect(bad.text).toMatch(/return\.alreadyQueued/);

    const listed = runOutboxList({ dataDir: h.dir, states: ['queued'] });
    expect(listed.entries.map((e) => e.returnId).sort()).toEqual([one.id, two.id].sort());
    expect(listed.text).toMatch(/All: queued 2, sending 0, failed 0, conflict 0, quarantined 0 \(read from the local store/);
    expect(runOutboxList({ dataDir: h.dir, returnId: 999_999_999 }).text).toMatch(/^No decision in the outbox for return 999999999\./);
    expect(runOutboxList({ dataDir: h.dir, states: ['nope'] }).code).toBe(2);

    const drained = await runOutboxDrain({ ...base(), timeoutMs: 10_000 });
    expect(drained.code).toBe(0);
    expect(drained.drained).toBe(true);
    expect(drained.text).toMatch(/Done: 2 decision\(s\) delivered to the Market\./);
    expect(drained.entries.map((e) => e.state)).toEqual(['delivered', 'delivered']);
    const accepted = await acceptedByReturn(h.admin);
    expect([accepted.get(one.id), accepted.get(two.id)]).toEqual([1, 1]);
    const sent = (await h.admin.received()).find((x) => x.returnId === two.id)!;
    expect(sent.requestBody).toEqual({
      returnItemDecisions: [
        { returnItemId: a, decisionType: 'REFUND_MONEY' },
        { returnItemId: b, decisionType: 'DECLINE_REFUND', decisionReasonType: 'MECHANICAL_DAMAGE', comment: 'Скол на корпусе' },
      ],
    });
    expect(runOutboxList({ dataDir: h.dir, returnId: two.id, locale: 'ru' }).text).toMatch(/доставлено/);
  });

  it('reports a drain that cannot finish (Market unreachable) with exit code 1', async () => {
    const r = await newReturn(h);
    await h.outbox.available(r.id);
    await h.outbox.submit({ returnId: r.id, items: [{ returnItemId: itemIds(r)[0]!, decisionType: 'REFUND_MONEY' }] });
    await h.reopen();
    h.store.close();
    const result = await runOutboxDrain({ ...base(), baseUrl: 'http://127.0.0.1:9', timeoutMs: 700 });
    expect(result.code).toBe(1);
    expect(result.status).toMatchObject({ queued: 1, online: false });
    expect(result.text).toMatch(/Timed out after 1 s with 1 decision\(s\) still waiting: the Market cannot be reached\./);
  });
});
