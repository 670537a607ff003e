// The font family every chart and frame draws with: the bundled DejaVu Sans, registered under this name by
// src/plot/canvas.ts in Node (a page registers its own web font under it), with generic fallbacks.
export const FONT_FAMILY = 'DiffmpcSans';

/** A CSS font shorthand in the shared family, e.g. `font(14)` → `14px DiffmpcSans, sans-serif`. */
export function font(sizePx: number, weight: 'normal' | 'bold' = 'normal'): string {
  return `${weight === 'bold' ? 'bold ' : ''}${sizePx}px ${FONT_FAMILY}, sans-serif`;
}
