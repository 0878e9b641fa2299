import { describe, expect, it } from 'vitest';
import { newestRequest } from './newest.ts';

describe('the newest request of a page', () => {
  it('aborts the one before when the next starts, and only that one', () => {
    const requests = newestRequest();
    const first = requests.start();
    expect(first.aborted).toBe(false);
    const second = requests.start();
    expect(first.aborted).toBe(true);
    expect(second.aborted).toBe(false);
  });

  it('ends a fetch still running with an AbortError', async () => {
    const requests = newestRequest();
    const signal = requests.start();
    const never = new Promise((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason)),
    );
    requests.start();
    await expect(never).rejects.toMatchObject({ name: 'AbortError' });
  });
});
