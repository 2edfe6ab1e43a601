import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.ts';
import { formatDayInput, monthGrid, parseDayInput, parseTimeInput, weekdayNames, monthName } from '../lib/date-input.ts';
import { CalendarIcon } from './icons.tsx';

interface DateFieldProps {
  label: string;
  /** YYYY-MM-DD (a Moscow calendar day), or undefined when empty. */
  value: string | undefined;
  onChange(day: string | undefined): void;
  testId: string;
  /** Marks the field wrong for a reason the parent knows (a reversed range). */
  invalid?: boolean;
  describedBy?: string;
}

/**
 * A date typed the operator's way ("01.12.2025" in Russian, "01/12/2025" in English) or picked from
 * a month in the UI's language — not the browser's own date input, which follows the browser's
 * locale (mm/dd/yyyy in a Russian UI). Text that is not a date is shown as an error, never guessed.
 */
export function DateField({ label, value, onChange, testId, invalid, describedBy }: DateFieldProps) {
  const { t, locale } = useI18n();
  const id = useId();
  const [text, setText] = useState(value ? formatDayInput(value, locale) : '');
  const [problem, setProblem] = useState(false);
  const [open, setOpen] = useState(false);
  const [at, setAt] = useState({ top: 0, left: 0 });
  const wrap = useRef<HTMLDivElement>(null);
  // Fixed to the viewport: the sidebar scrolls and would clip a popup positioned inside it.
  const show = () => {
    const box = wrap.current?.getBoundingClientRect();
    if (box) setAt({ top: Math.min(box.bottom + 4, window.innerHeight - 250), left: Math.max(4, Math.min(box.left, window.innerWidth - 240)) });
    setOpen(true);
  };

  // The value may change from outside (reset, another view): show it, unless it is what is being typed.
  useEffect(() => {
    setText((typed) => (value !== undefined && parseDayInput(typed) === value ? typed : value ? formatDayInput(value, locale) : ''));
    setProblem(false);
  }, [value, locale]);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const commit = () => {
    if (text.trim() === '') {
      setProblem(false);
      if (value !== undefined) onChange(undefined);
      return;
    }
    const day = parseDayInput(text);
    setProblem(day === null);
    if (day && day !== value) onChange(day);
    if (day) setText(formatDayInput(day, locale));
  };

  const errorId = `${id}-error`;
  return (
    <div className="date-field" ref={wrap}>
      <label htmlFor={id}>{label}</label>
      <div className="date-field-input">
        <input
          id={id}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={text}
          placeholder={t('dateField.placeholder')}
          maxLength={10}
          onChange={(e) => {
            const typed = e.currentTarget.value;
            setText(typed);
            // A complete date applies as soon as it is typed; anything else waits for Enter or leaving the field.
            const day = parseDayInput(typed);
            if (day && day !== value) onChange(day);
          }}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'ArrowDown' && e.altKey) show();
          }}
          aria-invalid={problem || invalid || undefined}
          aria-describedby={problem ? errorId : describedBy}
          data-testid={testId}
        />
        <button
          type="button"
          className="icon-button"
          aria-label={t('dateField.pick', { field: label })}
          aria-expanded={open}
          onClick={() => (open ? setOpen(false) : show())}
          data-testid={`${testId}-pick`}
        >
          <CalendarIcon size={14} />
        </button>
      </div>
      {problem && (
        <span className="field-error" id={errorId} role="alert" data-testid={`${testId}-error`}>
          {t('dateField.invalid')}
        </span>
      )}
      {open && (
        <MonthPicker
          at={at}
          selected={value ?? parseDayInput(text) ?? undefined}
          onPick={(day) => {
            setOpen(false);
            setProblem(false);
            setText(formatDayInput(day, locale));
            onChange(day);
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </div>
  );
}

function MonthPicker({
  at,
  selected,
  onPick,
  onClose,
}: {
  at: { top: number; left: number };
  selected: string | undefined;
  onPick(day: string): void;
  onClose(): void;
}) {
  const { t, locale } = useI18n();
  const start = selected ?? new Date().toISOString().slice(0, 10);
  const [month, setMonth] = useState(start.slice(0, 7));
  const [y, m] = month.split('-').map(Number) as [number, number];
  const shift = (delta: number) => {
    const d = new Date(Date.UTC(y, m - 1 + delta, 1));
    setMonth(d.toISOString().slice(0, 7));
  };
  return (
    <div
      className="month-picker"
      style={{ top: at.top, left: at.left }}
      role="dialog"
      aria-label={t('dateField.calendar')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
      data-testid="month-picker"
    >
      <div className="month-head">
        <button type="button" className="icon-button" onClick={() => shift(-1)} aria-label={t('dateField.previousMonth')}>
          ‹
        </button>
        <span className="month-title">
          {monthName(m - 1, locale)} {y}
        </span>
        <button type="button" className="icon-button" onClick={() => shift(1)} aria-label={t('dateField.nextMonth')}>
          ›
        </button>
      </div>
      <table className="month-grid">
        <thead>
          <tr>
            {weekdayNames(locale).map((d) => (
              <th key={d} scope="col">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {monthGrid(y, m).map((week, i) => (
            <tr key={i}>
              {week.map((day, k) => (
                <td key={k}>
                  {day && (
                    <button
                      type="button"
                      className={`day${day === selected ? ' day-selected' : ''}`}
                      aria-pressed={day === selected}
                      onClick={() => onPick(day)}
                      data-day={day}
                    >
                      {Number(day.slice(8))}
                    </button>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A 24-hour time typed as HH:MM, whatever the browser's locale (its time input shows AM/PM in en-US). */
export function TimeField({
  label,
  value,
  onCommit,
  testId,
  invalid,
}: {
  label: string;
  value: string;
  onCommit(time: string): void;
  testId: string;
  invalid?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState(value);
  const [problem, setProblem] = useState(false);
  useEffect(() => setText(value), [value]);
  const commit = () => {
    const time = parseTimeInput(text);
    setProblem(time === null);
    if (time) {
      setText(time);
      if (time !== value) onCommit(time);
    }
  };
  return (
    <label htmlFor={id}>
      {label}
      <input
        id={id}
        type="text"
        inputMode="numeric"
        value={text}
        maxLength={5}
        placeholder={t('dateField.timePlaceholder')}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        aria-invalid={problem || invalid || undefined}
        aria-describedby={problem ? `${id}-error` : undefined}
        data-testid={testId}
      />
      {problem && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {t('dateField.timeInvalid')}
        </span>
      )}
    </label>
  );
}
