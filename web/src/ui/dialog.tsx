import { useEffect, useId, useRef, type ReactNode } from 'react';
import { CloseIcon } from './icons.js';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons for the footer; put the form's submit here with `form={formId}`. */
  footer?: ReactNode;
  wide?: boolean;
}

/**
 * A modal on the native <dialog>: the browser traps focus, makes the page behind inert and closes on Escape; we
 * only return focus to whatever opened it.
 */
export function Dialog({ title, onClose, children, footer, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    // showModal would focus the header's close button; the first field is where the person wants to be, and in a
    // confirmation without fields the first footer button (Cancel) is the safe place.
    const first =
      dialog.querySelector<HTMLElement>('.dialog-body :is(input, select, textarea, button):not([disabled])') ??
      dialog.querySelector<HTMLElement>('.dialog-footer :is(button, a):not([disabled])');
    first?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={`dialog${wide ? ' dialog-wide' : ''}`} aria-labelledby={titleId}>
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
          <CloseIcon />
        </button>
      </div>
      <div className="dialog-body">{children}</div>
      {footer ? <div className="dialog-footer">{footer}</div> : null}
    </dialog>
  );
}
