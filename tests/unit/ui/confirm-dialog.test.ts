// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { askToConfirm } from '../../../src/ui/confirm-dialog';

beforeEach(() => {
  document.body.innerHTML = `<button id="opener">Delete</button>
    <dialog id="d"><form method="dialog"><p id="q"></p><button id="no" value="cancel">Cancel</button><button id="yes" value="confirm">OK</button></form></dialog>`;
});

const parts = () => ({ text: document.getElementById('q')!, yes: document.getElementById('yes')!, no: document.getElementById('no')! });

describe('askToConfirm', () => {
  it('asks with the focus on Cancel, answers, and gives the focus back', async () => {
    const dialog = document.getElementById('d') as HTMLDialogElement;
    document.getElementById('opener')!.focus();
    const answer = askToConfirm(dialog, parts(), 'Delete it?', 'Delete');
    expect(dialog.open).toBe(true);
    expect(document.getElementById('q')!.textContent).toBe('Delete it?');
    expect(document.getElementById('yes')!.textContent).toBe('Delete');
    expect(document.activeElement?.id).toBe('no');
    dialog.close('confirm');
    expect(await answer).toBe(true);
    expect(document.activeElement?.id).toBe('opener');

    const second = askToConfirm(dialog, parts(), 'Again?', 'Yes');
    dialog.close('cancel');
    expect(await second).toBe(false);
  });
});
