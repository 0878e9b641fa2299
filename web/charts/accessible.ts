// Charts for screen readers and colour-blind readers: one accessible name per chart, and a
// palette whose colours differ in hue and lightness.
/**
 * Okabe–Ito colours, darkened where needed so that each keeps 3:1 contrast against white
 * (WCAG 1.4.11). Series drawn in more than one colour also differ by label or marker, never
 * by colour alone.
 */
export const PALETTE = [
  '#1f5f8b', // blue
  '#b35c00', // orange
  '#2b7a4b', // bluish green
  '#8a4f9e', // reddish purple
  '#a8331f', // vermillion
  '#4d4d4d', // grey
  '#0072b2', // sky, darker
] as const;

/**
 * The chart as one image for assistive technology: `role="img"` with a name and the
 * description. Plot's per-mark `aria-label`s ("bar", "rule"; ARIA forbids them on a plain
 * `<g>`, and a reader would hear them without their values) become `data-mark`.
 */
export function asImage<T extends Element>(chart: T, name: string, description: string): T {
  // With a legend, Plot returns a <figure>: the legend's swatches (small <svg>s beside their
  // text) are decoration, the chart's own <svg> (a child of the figure) is the image.
  const svg = chart.tagName.toLowerCase() === 'svg' ? chart : chart.querySelector(':scope > svg');
  for (const swatch of chart.querySelectorAll('svg'))
    if (swatch !== svg) swatch.setAttribute('aria-hidden', 'true');
  if (!svg) return chart;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', name);
  svg.setAttribute('aria-description', description);
  for (const part of svg.querySelectorAll('[aria-label]')) {
    part.setAttribute('data-mark', part.getAttribute('aria-label') ?? '');
    part.removeAttribute('aria-label');
  }
  for (const part of svg.querySelectorAll('[aria-description]'))
    part.removeAttribute('aria-description');
  return chart;
}
