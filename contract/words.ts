// Text made into addresses and file names, one way on the server and in the browser: German
// letters as Germans write them without umlauts (ä → ae, ß → ss), other accents dropped, and
// everything else between words one hyphen. Plain code without dependencies.

const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

/** ä, ö, ü, ß (lower case) as ae, oe, ue, ss. */
export const foldUmlauts = (text: string) =>
  text.replace(/[äöüß]/g, (letter) => UMLAUTS[letter] as string);

/** "Größe & Maß – Übersicht" → "groesse-mass-uebersicht": lower-case ASCII words and hyphens. */
export function asciiWords(text: string): string {
  return foldUmlauts(text.toLowerCase())
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
