// The page's drawing code (web/) reads the globals `window` and `document`. On the server a
// page is drawn on a jsdom window set as those globals for the drawing only, and the previous
// globals put back afterwards. `draw` must be synchronous: no other request sees these globals.
import type { JSDOM } from 'jsdom';

export function drawOnDom<T>(dom: JSDOM, draw: () => T): T {
  const scope = globalThis as { window?: unknown; document?: unknown };
  const before = { window: scope.window, document: scope.document };
  scope.window = dom.window;
  scope.document = dom.window.document;
  try {
    return draw();
  } finally {
    scope.window = before.window;
    scope.document = before.document;
  }
}
