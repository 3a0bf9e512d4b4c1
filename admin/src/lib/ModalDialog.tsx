import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog on the native <dialog>: showModal() makes the page behind it inert, so Tab stays inside, and
 * Escape closes it (the `close` event calls onClose). The parent mounts it to open it and unmounts it to close it.
 * On close, focus goes back through `returnFocus` with the element that had focus when it opened (the button that
 * opened it); by default to that element, when it is still on the page.
 */
export function ModalDialog({
  labelledBy,
  onClose,
  returnFocus,
  className = 'dialog',
  children,
}: {
  labelledBy: string;
  onClose: () => void;
  returnFocus?: (opener: HTMLElement | null) => void;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement | null>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const returnRef = useRef(returnFocus);
  returnRef.current = returnFocus;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // A `close` event is queued, not dispatched at once: one from an earlier close (React's development double
    // mount closes and reopens the dialog) can arrive while it is open again, and must not close it for good.
    const closed = () => {
      if (!dialog.open) onCloseRef.current();
    };
    dialog.addEventListener('close', closed);
    return () => {
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
      if (returnRef.current) returnRef.current(opener);
      else if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={className} aria-labelledby={labelledBy}>
      {children}
    </dialog>
  );
}
