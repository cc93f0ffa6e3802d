import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';

export interface DialogProps {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  /** Disables the confirm button (e.g. a required reason is empty). */
  confirmDisabled?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

/** A small modal: Esc or the backdrop cancels, Enter in a field confirms. Focus starts in the first field. */
export function Dialog({ title, children, confirmLabel, cancelLabel = 'Cancel', danger, confirmDisabled, busy, onConfirm, onCancel, testId = 'dialog' }: DialogProps) {
  const box = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>('textarea, input, select') ?? box.current?.querySelector<HTMLElement>('button[type=submit]');
    first?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onCancel();
      } else if (event.key === 'Tab' && box.current) {
        // Keep Tab inside the dialog.
        const focusable = [...box.current.querySelectorAll<HTMLElement>('button:not([disabled]), input, select, textarea, a[href]')];
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (!first || !last) return;
        if (!box.current.contains(document.activeElement)) {
          event.preventDefault();
          first.focus();
        } else if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onCancel]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!confirmDisabled && !busy) onConfirm();
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onCancel()}>
      <form ref={box} className="modal" role="dialog" aria-modal="true" aria-label={title} data-testid={testId} onSubmit={submit}>
        <div className="modal__title">{title}</div>
        {children && <div className="modal__body">{children}</div>}
        <div className="modal__actions">
          <button type="button" onClick={onCancel}>{cancelLabel}</button>
          <button type="submit" className={danger ? 'btn btn--danger-solid' : 'btn btn--primary'} disabled={confirmDisabled || busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
