// Copying a text from a button, with a status line that says what happened: the press
// sentences on the live and the published report.
import { element } from './dom.ts';

/** Copies text; where the Clipboard API is not allowed, through a selected text area. */
export async function copyText(text: string) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = element('textarea', { value: text, readOnly: true });
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    if (!copied)
      throw new Error('Kopieren nicht möglich. Bitte den Satz markieren und mit Strg+C kopieren.');
  }
}

/** A click on `button` copies `text` (read at the click) and says so in `status`. */
export function copyOnClick(button: HTMLElement, text: () => string, status: HTMLElement) {
  button.addEventListener('click', () => {
    const copied = text();
    copyText(copied).then(
      () => {
        status.textContent = `Kopiert: ${copied}`;
      },
      (error: Error) => {
        status.textContent = error.message;
      },
    );
  });
}
