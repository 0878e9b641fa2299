// The Protokoll's details read as German sentences, never as raw keys.
import { describe, expect, it } from 'vitest';
import { auditDetailText } from './audit-text.ts';

const IMPORT = {
  status: 'imported',
  import_id: '7',
  file_name: 'awo-2021-03-01.csv',
  format: 'csv',
  bytes: 52_000,
  checksum: 'ab'.repeat(32),
  rows: 644,
  new: 1,
  changed: 3,
  missing: 0,
  error_count: 0,
  warning_count: 2,
};

describe('audit details in German', () => {
  it('says what an import stored, with counts and the file', () => {
    expect(auditDetailText('import', IMPORT)).toBe(
      'Datei „awo-2021-03-01.csv“ (CSV, 51 KB) gespeichert: 644 Zeilen gelesen, 1 Fall neu, 3 geändert, 2 Warnungen.',
    );
    expect(auditDetailText('import', { ...IMPORT, status: 'unchanged' })).toBe(
      'Datei „awo-2021-03-01.csv“ (CSV, 51 KB): Dieser Stand war schon gespeichert; nichts hat sich geändert.',
    );
    expect(auditDetailText('import', { ...IMPORT, status: 'rejected', error_count: 3 })).toBe(
      'Datei „awo-2021-03-01.csv“ (CSV, 51 KB) abgelehnt wegen 3 Fehler: Nichts wurde gespeichert.',
    );
  });

  it('calls a dry run a Probelauf that stored nothing', () => {
    const text = auditDetailText('import_dry_run', { ...IMPORT, status: 'dry_run', missing: 2 });
    expect(text).toBe(
      'Probelauf mit Datei „awo-2021-03-01.csv“ (CSV, 51 KB): 644 Zeilen geprüft, ohne Fehler, 2 Warnungen. Ein Import ergäbe 1 Fall neu, 3 geändert, 2 fehlen im Export. Nichts wurde gespeichert.',
    );
    expect(
      auditDetailText('import_dry_run', { ...IMPORT, status: 'dry_run', error_count: 1 }),
    ).toBe(
      'Probelauf mit Datei „awo-2021-03-01.csv“ (CSV, 51 KB): 644 Zeilen geprüft, 1 Fehler; die Datei würde abgelehnt. Nichts wurde gespeichert.',
    );
  });

  it('has no raw keys for any action', () => {
    const texts = [
      auditDetailText('import', IMPORT),
      auditDetailText('login_failed', { reason: 'falsches Passwort' }),
      auditDetailText('user_added', { role: 'provider', provider: 'AWO' }),
      auditDetailText('user_added', { role: 'admin', demo: true }),
      auditDetailText('token_created', {
        role: 'press',
        provider: null,
        expires_at: '2026-12-31T22:59:59.000Z',
      }),
      auditDetailText('token_created', { role: 'funder', provider: null, expires_at: null }),
      auditDetailText('report_published', {
        id: '3',
        title: 'Zwischenbilanz Juni 2021',
        stichtag: '2021-06-30',
        beendet_bis: '2021-06-30',
        provisional_dates: ['2021-06-30'],
        supersedes: '2021-03-01-zwischenbilanz-maerz-2021',
      }),
      auditDetailText('report_withdrawn', { id: '3', title: 'Juni', reason: 'Falscher Stichtag' }),
      auditDetailText('report_superseded', { successor: '2021-06-30-juni-2', reason: 'Korrektur' }),
    ];
    expect(texts).toEqual([
      expect.any(String),
      'Abgewiesen: falsches Passwort.',
      'Konto mit der Rolle Träger (AWO) angelegt.',
      'Demo-Zugang mit der Rolle Landratsamt (Koordination) angelegt.',
      'Rolle Pressestelle, gültig bis 31.12.2026.',
      'Rolle Fördermittelgeber, ohne Ablaufdatum.',
      '„Zwischenbilanz Juni 2021“: Stichtag 30.06.2021, beendete Fälle bis 30.06.2021. Als vorläufig veröffentlicht (Zahlen für 30.06.2021 nach dem Stand der Exporte). Ersetzt den Bericht 2021-03-01-zwischenbilanz-maerz-2021.',
      '„Juni“ zurückgezogen. Begründung: Falscher Stichtag',
      'Ersetzt durch den Bericht 2021-06-30-juni-2. Begründung: Korrektur',
    ]);
    for (const text of texts) expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b|: \d+ ·|status:/);
  });

  it('adds nothing where an entry has no details', () => {
    expect(auditDetailText('login', null)).toBe('');
    expect(auditDetailText('logout', {})).toBe('');
  });
});
