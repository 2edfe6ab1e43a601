/** Keyboard rules shared by the shortcut handler; pure so they can be tested. */

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
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
  | { kind: 'submit' }
  | { kind: 'search' }
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'view'; view: 'awaiting' | 'disputes' | 'all' }
  | { kind: 'settings' }
  | { kind: 'sync' };

/** Maps a key press to what it does; null when it is not a shortcut here. */
export function shortcutFor(event: KeyLike, typing: boolean): ShortcutAction | null {
  const mod = event.ctrlKey || event.metaKey;
  if (mod && event.key === 'Enter') return { kind: 'submit' };
  if (event.key === 'Escape') return { kind: 'escape' };
  if (typing || mod || event.altKey) return null;
  switch (event.key) {
    case 'j':
    case 'J':
    case 'ArrowDown':
      return { kind: 'move', delta: 1 };
    case 'k':
    case 'K':
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
    case '?':
      return { kind: 'help' };
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
    case 'R':
      return { kind: 'sync' };
    default:
      if (/^[1-9]$/.test(event.key)) return { kind: 'pick', n: Number(event.key) };
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
  { keys: ['/'], what: 'shortcuts.search' },
  { keys: ['A'], what: 'shortcuts.awaiting' },
  { keys: ['D'], what: 'shortcuts.disputes' },
  { keys: ['L'], what: 'shortcuts.all' },
  { keys: ['Shift', 'R'], what: 'shortcuts.sync' },
  { keys: [','], what: 'shortcuts.settings' },
  { keys: ['?'], what: 'shortcuts.help' },
  { keys: ['Esc'], what: 'shortcuts.escape' },
];
