import { describe, expect, it } from 'vitest';
import { buildDraft, parseAmount } from '../../renderer/lib/draft-form.ts';
import { isDbs, refundTimeline, shipmentTimeline } from '../../renderer/lib/status-model.ts';
import { isTypingTarget, shortcutFor } from '../../renderer/lib/keyboard.ts';
import { formatMoney } from '../../renderer/lib/money.ts';

describe('status timelines', () => {
  it('places an FBS return awaiting a decision on the premoderation model', () => {
    const steps = refundTimeline('FBS', 'PREMODERATION_DECISION_WAITING');
    expect(steps.map((s) => s.state)).toEqual(['done', 'current', 'todo', 'todo', 'todo', 'todo']);
  });
  it('shows a dispute on the branch step', () => {
    const steps = refundTimeline('EXPRESS', 'PREMODERATION_DISPUTE');
    expect(steps[3]).toMatchObject({ state: 'current', shown: 'PREMODERATION_DISPUTE' });
  });
  it('uses the DBS model for DBS', () => {
    expect(isDbs('dbs')).toBe(true);
    expect(refundTimeline('DBS', 'DECISION_MADE').map((s) => s.statuses[0])).toEqual([
      'STARTED_BY_USER',
      'WAITING_FOR_DECISION',
      'DECISION_MADE',
      'REFUND_IN_PROGRESS',
      'REFUNDED',
    ]);
  });
  it('ends the line with a status outside the model instead of losing it', () => {
    const steps = refundTimeline('FBY', 'SOMETHING_NEW');
    expect(steps.at(-1)).toMatchObject({ shown: 'SOMETHING_NEW', state: 'current' });
    expect(shipmentTimeline(null).every((s) => s.state === 'todo')).toBe(true);
  });
});

describe('money', () => {
  it('formats RUR as roubles and survives an unknown currency', () => {
    expect(formatMoney({ value: 1234.5, currencyId: 'RUR' }, 'ru').replace(/\s/g, ' ')).toBe('1 234,50 ₽'); // kopecks always two digits
    expect(formatMoney({ value: 10, currencyId: 'RUR' }, 'en')).toContain('RUB');
    expect(formatMoney({ value: 10, currencyId: 'NOT A CODE' }, 'en')).toBe('10 NOT A CODE');
    expect(formatMoney(null, 'en')).toBe('—');
  });
});

describe('the decision form', () => {
  const available = {
    returnId: 1,
    decisions: [{ decisionType: 'PARTIAL_MONEY_REFUND', reasonTypes: [], compensationBounds: null }],
    items: [
      { returnItemId: 7, shopSku: 'A', name: null, count: 1, position: null },
      { returnItemId: 8, shopSku: 'B', name: null, count: 1, position: null },
    ],
    source: 'market' as const,
    fetchedAt: '2026-01-01T00:00:00Z',
  };
  it('reads amounts typed either way and refuses the rest', () => {
    expect(parseAmount('1 234,50')).toBe(1234.5);
    expect(parseAmount('99.9')).toBe(99.9);
    expect(parseAmount('12abc')).toBeNaN();
    expect(parseAmount('1e9')).toBeNaN();
  });
  it('reports items without a decision and unreadable amounts, and keeps only the fields a type uses', () => {
    const { draft, issues } = buildDraft(
      1,
      available,
      { 7: { decisionType: 'PARTIAL_MONEY_REFUND', reasonType: 'X', comment: 'c', compensation: 'abc' } },
      'en',
    );
    expect(draft.items).toEqual([{ returnItemId: 7, decisionType: 'PARTIAL_MONEY_REFUND' }]);
    expect(issues.map((i) => [i.returnItemId, i.field])).toEqual([
      [7, 'compensation'],
      [8, 'decisionType'],
    ]);
  });
});

describe('keyboard', () => {
  const key = (k: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; code: string }> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    ...extra,
  });
  it('keeps single keys silent while typing, but not Ctrl/Cmd+Enter or Escape', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(shortcutFor(key('j'), true)).toBeNull();
    expect(shortcutFor(key('1'), true)).toBeNull();
    expect(shortcutFor(key('Enter', { ctrlKey: true }), true)).toEqual({ kind: 'submit', next: true });
    expect(shortcutFor(key('Enter', { metaKey: true }), true)).toEqual({ kind: 'submit', next: true });
    expect(shortcutFor(key('Enter', { ctrlKey: true, shiftKey: true }), true)).toEqual({ kind: 'submit', next: false });
    // Ctrl+Z in a field is the field's own undo; elsewhere it takes back the decision just sent.
    expect(shortcutFor(key('z', { ctrlKey: true, code: 'KeyZ' }), true)).toBeNull();
    expect(shortcutFor(key('я', { ctrlKey: true, code: 'KeyZ' }), false)).toEqual({ kind: 'undo' });
    expect(shortcutFor(key('Escape'), true)).toEqual({ kind: 'escape' });
  });
  it('maps the inbox keys', () => {
    expect(shortcutFor(key('j'), false)).toEqual({ kind: 'move', delta: 1 });
    expect(shortcutFor(key('ArrowUp'), false)).toEqual({ kind: 'move', delta: -1 });
    expect(shortcutFor(key('3'), false)).toEqual({ kind: 'pick', n: 3 });
    expect(shortcutFor(key('/'), false)).toEqual({ kind: 'search' });
    expect(shortcutFor(key('?'), false)).toEqual({ kind: 'help' });
    expect(shortcutFor(key('0'), false)).toBeNull();
  });
  it('matches physical keys, so the Russian layout works (KeyboardEvent.code)', () => {
    // On the Russian layout J types "о", K "л", O "щ", A "ф", D "в", L "д", [ "х", ] "ъ", / ".", "," "б", ? is Shift+7.
    expect(shortcutFor(key('о', { code: 'KeyJ' }), false)).toEqual({ kind: 'move', delta: 1 });
    expect(shortcutFor(key('л', { code: 'KeyK' }), false)).toEqual({ kind: 'move', delta: -1 });
    expect(shortcutFor(key('щ', { code: 'KeyO' }), false)).toEqual({ kind: 'open' });
    expect(shortcutFor(key('ф', { code: 'KeyA' }), false)).toEqual({ kind: 'view', view: 'awaiting' });
    expect(shortcutFor(key('в', { code: 'KeyD' }), false)).toEqual({ kind: 'view', view: 'disputes' });
    expect(shortcutFor(key('д', { code: 'KeyL' }), false)).toEqual({ kind: 'view', view: 'all' });
    expect(shortcutFor(key('х', { code: 'BracketLeft' }), false)).toEqual({ kind: 'item', delta: -1 });
    expect(shortcutFor(key('ъ', { code: 'BracketRight' }), false)).toEqual({ kind: 'item', delta: 1 });
    expect(shortcutFor(key('.', { code: 'Slash' }), false)).toEqual({ kind: 'search' });
    expect(shortcutFor(key('б', { code: 'Comma' }), false)).toEqual({ kind: 'settings' });
    expect(shortcutFor(key('?', { code: 'Digit7', shiftKey: true }), false)).toEqual({ kind: 'help' });
    expect(shortcutFor(key('К', { code: 'KeyR', shiftKey: true }), false)).toEqual({ kind: 'sync' });
    expect(shortcutFor(key('2', { code: 'Numpad2' }), false)).toEqual({ kind: 'pick', n: 2 });
    // Shift with a digit types a sign, not a choice.
    expect(shortcutFor(key('"', { code: 'Digit2', shiftKey: true }), false)).toBeNull();
    expect(shortcutFor(key('о', { code: 'KeyJ' }), true)).toBeNull();
  });
});
