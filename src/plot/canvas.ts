// The one canvas of the plotting layer: @napi-rs/canvas (Skia, prebuilt binaries from the npm registry, no
// system libraries), with DejaVu Sans (from @fontsource/dejavu-sans) registered on first use, so charts and
// GIF frames draw their text on a machine without system fonts — Skia draws no glyph and raises no error
// when a family is missing. Everything that draws in Node (charts, GIFs, env renders, tests) takes its canvas
// from here.
import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas as napiCreateCanvas, GlobalFonts, loadImage as napiLoadImage, type Canvas, type Image } from '@napi-rs/canvas';
import { FONT_FAMILY } from './font.ts';

const FONT_FILES = ['dejavu-sans-latin-400-normal.woff2', 'dejavu-sans-latin-700-normal.woff2'];

let fontsRegistered = false;

/** Registers the bundled font once (idempotent); throws naming the file when it cannot be loaded. */
export function registerFonts(): void {
  if (fontsRegistered) return;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('@fontsource/dejavu-sans/package.json')), 'files');
  for (const f of FONT_FILES) {
    const file = path.join(dir, f);
    if (!GlobalFonts.registerFromPath(file, FONT_FAMILY)) {
      throw new Error(`plot: could not register the font ${file}; reinstall @fontsource/dejavu-sans (npm ci)`);
    }
  }
  fontsRegistered = true;
}

/** A canvas of `width × height` pixels, with the bundled font available. */
export function createCanvas(width: number, height: number): Canvas {
  registerFonts();
  return napiCreateCanvas(width, height);
}

/** Decodes a PNG/JPEG/GIF buffer into an image drawable on a canvas. */
export function loadImage(bytes: Uint8Array): Promise<Image> {
  return napiLoadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export type { Canvas, Image };
