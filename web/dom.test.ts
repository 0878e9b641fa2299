// Date and month fields sent as text fields by the server and made date fields by the script.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { dateFieldsAsDates, dateFieldsAsText } from './dom.ts';

const FORM = `<form>
  <label for="d">Stichtag</label><input id="d" name="stichtag" type="date" required value="2021-01-01">
  <label for="m">Von (Monat)</label><input id="m" name="von" type="month" value="2018-01">
  <input id="t" name="titel" value="Zwischenbilanz">
</form>`;

describe('date fields as text until the script runs', () => {
  it('sends date and month fields as text fields with their values, labels and a hint', () => {
    const { document } = new JSDOM(FORM).window;
    dateFieldsAsText(document);
    // Parsed again, as the browser gets the server's HTML.
    const parsed = new JSDOM(document.body.innerHTML).window.document;
    const date = parsed.getElementById('d') as HTMLInputElement;
    const month = parsed.getElementById('m') as HTMLInputElement;
    expect([date.type, date.value, date.getAttribute('data-date')]).toEqual([
      'text',
      '2021-01-01',
      '',
    ]);
    expect([month.type, month.value, month.getAttribute('data-date')]).toEqual([
      'text',
      '2018-01',
      'month',
    ]);
    expect(date.title).toBe('Datum als JJJJ-MM-TT, z. B. 2021-01-01');
    expect(month.title).toBe('Monat als JJJJ-MM, z. B. 2021-01');
    expect(date.getAttribute('inputmode')).toBe('numeric');
    expect(new RegExp(`^(?:${date.pattern})$`).test('2021-01-01')).toBe(true);
    expect(new RegExp(`^(?:${month.pattern})$`).test('2021-01')).toBe(true);
    expect(new RegExp(`^(?:${month.pattern})$`).test('2021-01-01')).toBe(false);
    expect(date.required).toBe(true);
    expect(date.labels?.[0]?.textContent).toBe('Stichtag');
    expect((parsed.getElementById('t') as HTMLInputElement).type).toBe('text');
    expect(parsed.querySelector('#t')?.hasAttribute('data-date')).toBe(false);

    dateFieldsAsDates(parsed);
    expect([date.type, date.value]).toEqual(['date', '2021-01-01']);
    expect([month.type, month.value]).toEqual(['month', '2018-01']);
    expect((parsed.getElementById('t') as HTMLInputElement).type).toBe('text');
  });
});
