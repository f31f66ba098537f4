/**
 * Asks before something that cannot be undone, in a `<dialog>` with a question `<p>`, a
 * *Cancel* button (`value="cancel"`) and a confirming one (`value="confirm"`): the safe
 * answer has the focus, so Enter on a stray keypress keeps everything, and the focus goes
 * back where it was. Resolves to the user's answer.
 */
export function askToConfirm(
  dialog: HTMLDialogElement,
  parts: { text: HTMLElement; yes: HTMLElement; no: HTMLElement },
  question: string,
  confirmLabel: string,
): Promise<boolean> {
  parts.text.textContent = question;
  parts.yes.textContent = confirmLabel;
  const opener = dialog.ownerDocument.activeElement as HTMLElement | null;
  dialog.returnValue = '';
  dialog.showModal();
  parts.no.focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        opener?.focus();
        resolve(dialog.returnValue === 'confirm');
      },
      { once: true },
    );
  });
}
