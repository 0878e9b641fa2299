// A page's newest request: starting one aborts the one before it, so a quick second choice
// neither waits behind nor is overwritten by the answer to the first, and the server stops
// working on what nobody reads. One helper for the pages instead of a counter in each.

export interface NewestRequest {
  /** Aborts the request before (if still running) and gives the new one its signal. */
  start(): AbortSignal;
}

export function newestRequest(): NewestRequest {
  let controller: AbortController | undefined;
  return {
    start() {
      controller?.abort();
      controller = new AbortController();
      return controller.signal;
    },
  };
}
