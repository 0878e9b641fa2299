// Seeded randomness for generated data: the same seed gives the same bytes on every machine.

/** mulberry32: small, fast, and the same on every machine. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const weighted = <T>(entries: readonly (readonly [T, number])[]): T => {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return (entries.at(-1) as readonly [T, number])[0];
  };
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  };
  return { next, int, pick, weighted, shuffle };
}

/** Random ids like "AWO-3KF9Q2" (base 36, `length` characters), never the same twice. */
export function pseudonyms(r: ReturnType<typeof rng>, length: number) {
  const used = new Set<string>();
  return (prefix: string): string => {
    for (;;) {
      const id = `${prefix}${Math.floor(r.next() * 36 ** length)
        .toString(36)
        .toUpperCase()
        .padStart(length, '0')}`;
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
}
