import { useEffect } from 'react';
import { withView } from '../lib/inbox-prefs.ts';
import { isTypingTarget, shortcutFor } from '../lib/keyboard.ts';
import { applyFilter, moveActiveItem, moveCursor, openCursor, pickDecision, submitDecision, syncNow, undoHeld } from './actions.ts';
import { useAppStore } from './store.ts';

/** Puts the keyboard back in the inbox list once it is on screen. */
export function focusInboxList(): void {
  requestAnimationFrame(() => document.getElementById('inbox-listbox')?.focus());
}

/** The window-wide keyboard map; single keys never fire while the operator types in a field. */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target as HTMLElement | null;
      const typing = isTypingTarget(target);
      // Inside a dialog only Escape and the dialog's own controls act.
      const s = useAppStore.getState();
      const action = shortcutFor(event, typing);
      if (!action) return;
      if (s.helpOpen && action.kind !== 'escape' && action.kind !== 'help') return;
      // Buttons and links keep their own Enter.
      if (action.kind === 'open' && target && (target.tagName === 'BUTTON' || target.tagName === 'A' || target.tagName === 'SUMMARY')) return;
      switch (action.kind) {
        case 'move':
          if (s.view !== 'inbox') return;
          moveCursor(action.delta);
          break;
        case 'open':
          if (s.view !== 'inbox') return;
          openCursor();
          break;
        case 'pick':
          if (!pickDecision(action.n)) return;
          break;
        case 'item':
          moveActiveItem(action.delta);
          break;
        case 'submit':
          if (!s.form) return;
          void submitDecision({ next: action.next });
          break;
        case 'undo':
          if (Object.keys(s.held).length === 0) return;
          void undoHeld();
          break;
        case 'search':
          s.focusSearch();
          break;
        case 'help':
          s.setHelpOpen(!s.helpOpen);
          break;
        case 'escape':
          if (s.helpOpen) s.setHelpOpen(false);
          else if (s.view === 'settings') {
            s.setView('inbox');
            focusInboxList();
          } else if (typing && target) target.blur();
          else return;
          break;
        case 'view':
          s.setView('inbox');
          applyFilter({ ...withView(s.filter, action.view), search: undefined });
          break;
        case 'settings':
          s.setView('settings');
          break;
        case 'sync':
          void syncNow();
          break;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
