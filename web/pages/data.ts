// The data page (#daten) for the district office and the providers: upload an export (a
// dry run first, then store the same file), the import log, and the data-quality figures
// on a Stichtag kept in the address (#daten?stichtag=…). A provider's account sees and
// uploads its own provider only; the server enforces that, the page only follows it.
// One module a job: data/upload.ts, data/import-log.ts, data/quality.ts; this one lays
// them out and lets an upload refresh the other two.
import { element } from '../dom.ts';
import type { PageRoute } from '../main.ts';
import { currentSession } from '../session.ts';
import { onlyFor } from './admin-only.ts';

import { importLog } from './data/import-log.ts';
import { qualityDate, qualitySection } from './data/quality.ts';
import { uploadSection } from './data/upload.ts';

const TITLE = 'Daten';

let latest = 0;

export function showData(container: HTMLElement, { params, focus }: PageRoute) {
  const run = ++latest;
  const allowed = onlyFor(
    container,
    TITLE,
    ['admin', 'provider'],
    'die Koordination im Landratsamt und die Träger',
  );
  if (!allowed) {
    if (focus) container.querySelector('h2')?.focus();
    return;
  }
  const { user } = currentSession();
  const ownProvider = user?.role === 'provider' ? user.provider : null;
  const current = () => run === latest;

  const log = importLog(current);
  const quality = qualitySection(qualityDate(params), current);
  const upload = uploadSection(ownProvider, current, () => {
    void log.reload();
    void quality.reload();
  });

  const heading = element('h2', { textContent: TITLE, tabIndex: -1 });
  container.replaceChildren(
    heading,
    element('p', {
      className: 'lead',
      textContent: ownProvider
        ? `Exporte des Trägers ${ownProvider} hochladen, das Importprotokoll und die Datenqualität der eigenen Fälle.`
        : 'Exporte der Träger hochladen, das Importprotokoll und die Datenqualität je Träger.',
    }),
    upload,
    log.section,
    quality.section,
  );
  if (focus) heading.focus();
}
