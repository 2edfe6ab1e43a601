/** Keyboard rules shared by the shortcut handler; pure so they can be tested. */

export interface KeyLike {
  key: string;
  /** The physical key (KeyJ, Digit1, Slash…): the same on every layout, so J/K work in Russian too. */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey?: boolean;
}

export interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color']);

/** True when the operator is typing into a field: single-key shortcuts must stay silent. */
export function isTypingTarget(target: TargetLike | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = (target.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
  return false;
}

export type ShortcutAction =
  | { kind: 'move'; delta: number }
  | { kind: 'open' }
  | { kind: 'pick'; n: number }
  | { kind: 'item'; delta: number }
  | { kind: 'submit'; next: boolean }
  | { kind: 'undo' }
  | { kind: 'search' }
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'view'; view: 'awaiting' | 'disputes' | 'all' }
  | { kind: 'settings' }
  | { kind: 'sync' };

/** Letters and signs by their physical key (the US layout's name), read from `code` when the browser gives it. */
const BY_CODE: Record<string, string> = {
  KeyJ: 'j',
  KeyK: 'k',
  KeyO: 'o',
  KeyA: 'a',
  KeyD: 'd',
  KeyL: 'l',
  KeyR: 'r',
  KeyZ: 'z',
  Slash: '/',
  Comma: ',',
  BracketLeft: '[',
  BracketRight: ']',
};

/** The key as on a US keyboard: its physical place for letters, signs and digits (Russian layout included), else `key`. */
function physical(event: KeyLike): string {
  const code = event.code ?? '';
  if (BY_CODE[code]) return BY_CODE[code]!;
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
  if (digit) return digit[1]!;
  return event.key.length === 1 ? event.key.toLowerCase() : event.key;
}

/**
 * Maps a key press to what it does; null when it is not a shortcut here. Keys are matched by their
 * physical place (KeyboardEvent.code), so J/K, A/D/L, [ ], / and the digits work on the Russian
 * layout, where the same keys type О/Л, Ф/В/Д, Х/Ъ and "."; "?" is also accepted as typed (Shift+7 in Russian).
 */
export function shortcutFor(event: KeyLike, typing: boolean): ShortcutAction | null {
  const mod = event.ctrlKey || event.metaKey;
  const shift = event.shiftKey ?? false;
  const key = physical(event);
  if (mod && event.key === 'Enter') return { kind: 'submit', next: !shift };
  if (event.key === 'Escape') return { kind: 'escape' };
  // Ctrl+Z in a text field is the field's own undo.
  if (mod && !shift && !event.altKey && key === 'z' && !typing) return { kind: 'undo' };
  if (typing || mod || event.altKey) return null;
  if (event.key === '?' || (key === '/' && shift)) return { kind: 'help' };
  if (shift) return key === 'r' ? { kind: 'sync' } : null;
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return { kind: 'move', delta: 1 };
    case 'k':
    case 'ArrowUp':
      return { kind: 'move', delta: -1 };
    case 'PageDown':
      return { kind: 'move', delta: 20 };
    case 'PageUp':
      return { kind: 'move', delta: -20 };
    case 'Enter':
    case 'o':
      return { kind: 'open' };
    case '/':
      return { kind: 'search' };
    case '[':
      return { kind: 'item', delta: -1 };
    case ']':
      return { kind: 'item', delta: 1 };
    case 'a':
      return { kind: 'view', view: 'awaiting' };
    case 'd':
      return { kind: 'view', view: 'disputes' };
    case 'l':
      return { kind: 'view', view: 'all' };
    case ',':
      return { kind: 'settings' };
    default:
      if (/^[1-9]$/.test(key)) return { kind: 'pick', n: Number(key) };
      return null;
  }
}

/** The shortcut list the help dialog shows: keys and the i18n key of what they do. */
export const SHORTCUT_HELP: Array<{ keys: string[]; what: string }> = [
  { keys: ['J', '↓'], what: 'shortcuts.next' },
  { keys: ['K', '↑'], what: 'shortcuts.prev' },
  { keys: ['Enter', 'O'], what: 'shortcuts.open' },
  { keys: ['1', '…', '9'], what: 'shortcuts.pick' },
  { keys: ['[', ']'], what: 'shortcuts.items' },
  { keys: ['Ctrl/⌘', 'Enter'], what: 'shortcuts.submit' },
  { keys: ['Ctrl/⌘', 'Shift', 'Enter'], what: 'shortcuts.submitStay' },
  { keys: ['Ctrl/⌘', 'Z'], what: 'shortcuts.undo' },
  { keys: ['/'], what: 'shortcuts.search' },
  { keys: ['A'], what: 'shortcuts.awaiting' },
  { keys: ['D'], what: 'shortcuts.disputes' },
  { keys: ['L'], what: 'shortcuts.all' },
  { keys: ['Shift', 'R'], what: 'shortcuts.sync' },
  { keys: [','], what: 'shortcuts.settings' },
  { keys: ['?'], what: 'shortcuts.help' },
  { keys: ['Esc'], what: 'shortcuts.escape' },
];
