import { useShallow } from 'zustand/react/shallow';
import { useI18n } from '../i18n/index.ts';
import { SHORTCUT_HELP } from '../lib/keyboard.ts';
import { useModalDialog } from '../lib/use-modal-dialog.ts';
import { useAppStore } from '../state/store.ts';

/** Every shortcut, in a modal dialog opened with "?". */
export function ShortcutsDialog() {
  const { t } = useI18n();
  const { open, setOpen } = useAppStore(useShallow((s) => ({ open: s.helpOpen, setOpen: s.setHelpOpen })));
  const ref = useModalDialog(open);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="shortcuts-title" onClose={() => setOpen(false)} data-testid="shortcuts-dialog">
      <div className="dialog-head">
        <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common.close')}
        </button>
      </div>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUT_HELP.map((s) => (
            <tr key={s.what}>
              <th scope="row">
                {s.keys.map((k, i) => (
                  <kbd key={i}>{k}</kbd>
                ))}
              </th>
              <td>{t(s.what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </dialog>
  );
}
