// A page changes its own address (a new choice in a form) without moving focus: the new
// address is a history entry, so back returns to the previous choice.
export const NAVIGATE_EVENT = 'zb-navigate';

export function navigate(hash: string) {
  window.history.pushState(null, '', hash);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}
