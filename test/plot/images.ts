// Test fixture (not a test file): minimal PNG and GIF inspection. PNG: signature, IHDR size, decoded pixels
// (via the plotting layer's canvas). GIF: walks the block structure (header, logical screen, colour tables, extensions, image
// descriptors with LZW sub-blocks, trailer) and counts frames, per-frame delays and the loop count.
import { createCanvas, loadImage } from '../../src/plot/canvas.ts';

export const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function pngInfo(buf: Uint8Array): { isPng: boolean; width: number; height: number } {
  const isPng = PNG_MAGIC.every((b, i) => buf[i] === b) && String.fromCharCode(...buf.slice(12, 16)) === 'IHDR';
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return { isPng, width: dv.getUint32(16), height: dv.getUint32(20) };
}

/** RGBA pixels of a PNG. */
export async function pngPixels(buf: Buffer): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const img = await loadImage(buf);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

/** Number of pixels within `tol` (per channel) of the colour `#rrggbb`. */
export function countColor(data: Uint8ClampedArray, hex: string, tol = 8): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i]! - r) <= tol && Math.abs(data[i + 1]! - g) <= tol && Math.abs(data[i + 2]! - b) <= tol) n++;
  }
  return n;
}

export interface GifInfo {
  width: number;
  height: number;
  frames: number;
  delaysCs: number[];
  loop: number | undefined;
  frameSizes: Array<[number, number]>;
}

export function parseGif(buf: Uint8Array): GifInfo {
  const sig = String.fromCharCode(...buf.slice(0, 6));
  if (sig !== 'GIF89a' && sig !== 'GIF87a') throw new Error(`not a GIF (signature ${JSON.stringify(sig)})`);
  const u16 = (i: number) => buf[i]! | (buf[i + 1]! << 8);
  const info: GifInfo = { width: u16(6), height: u16(8), frames: 0, delaysCs: [], loop: undefined, frameSizes: [] };
  let p = 13;
  const packed = buf[10]!;
  if (packed & 0x80) p += 3 * (1 << ((packed & 7) + 1));
  const skipSubBlocks = () => {
    while (buf[p] !== 0) {
      if (p >= buf.length) throw new Error('GIF truncated inside sub-blocks');
      p += buf[p]! + 1;
    }
    p++;
  };
  for (;;) {
    const b = buf[p++];
    if (b === 0x3b) return info;
    if (b === 0x21) {
      const label = buf[p++];
      if (label === 0xf9) info.delaysCs.push(u16(p + 2));
      if (label === 0xff && String.fromCharCode(...buf.slice(p + 1, p + 12)) === 'NETSCAPE2.0') info.loop = u16(p + 14);
      skipSubBlocks();
    } else if (b === 0x2c) {
      info.frames++;
      info.frameSizes.push([u16(p + 4), u16(p + 6)]);
      const f = buf[p + 8]!;
      p += 9;
      if (f & 0x80) p += 3 * (1 << ((f & 7) + 1));
      p++; // LZW minimum code size
      skipSubBlocks();
    } else {
      throw new Error(`GIF: unexpected block 0x${(b ?? 0).toString(16)} at byte ${p - 1}`);
    }
  }
}

/**
 * Decodes every frame of a GIF to RGBA `[height·width·4]` (full-size frames with a local or global palette, as
 * gifenc writes them; no transparency or disposal handling). LZW as in the GIF89a spec: variable-width codes
 * from `minCodeSize + 1` bits, clear code 2^minCodeSize, end code + 1, growing to 12 bits.
 */
export function decodeGifFrames(buf: Uint8Array): Array<{ width: number; height: number; data: Uint8ClampedArray }> {
  const u16 = (i: number) => buf[i]! | (buf[i + 1]! << 8);
  let p = 13;
  let globalPalette: Uint8Array | undefined;
  if (buf[10]! & 0x80) {
    const n = 3 * (1 << ((buf[10]! & 7) + 1));
    globalPalette = buf.slice(p, p + n);
    p += n;
  }
  const frames: Array<{ width: number; height: number; data: Uint8ClampedArray }> = [];
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    while (buf[p] !== 0) {
      if (p >= buf.length) throw new Error('GIF truncated inside sub-blocks');
      const n = buf[p]!;
      for (let i = 1; i <= n; i++) parts.push(buf[p + i]!);
      p += n + 1;
    }
    p++;
    return Uint8Array.from(parts);
  };
  for (;;) {
    const b = buf[p++];
    if (b === 0x3b || b === undefined) return frames;
    if (b === 0x21) {
      p++;
      subBlocks();
      continue;
    }
    if (b !== 0x2c) throw new Error(`GIF: unexpected block 0x${b.toString(16)}`);
    const [w, h, f] = [u16(p + 4), u16(p + 6), buf[p + 8]!];
    p += 9;
    let palette = globalPalette;
    if (f & 0x80) {
      const n = 3 * (1 << ((f & 7) + 1));
      palette = buf.slice(p, p + n);
      p += n;
    }
    if (!palette) throw new Error('GIF frame without a palette');
    const minCode = buf[p++]!;
    const data = subBlocks();
    const clear = 1 << minCode;
    const end = clear + 1;
    const out = new Uint8Array(w * h);
    let o = 0;
    let size = minCode + 1;
    let dict: number[][] = [];
    const reset = () => {
      dict = Array.from({ length: clear + 2 }, (_, i) => (i < clear ? [i] : []));
      size = minCode + 1;
    };
    reset();
    let prev: number[] | undefined;
    let bit = 0;
    while (bit + size <= data.length * 8) {
      let code = 0;
      for (let i = 0; i < size; i++, bit++) code |= ((data[bit >> 3]! >> (bit & 7)) & 1) << i;
      if (code === clear) {
        reset();
        prev = undefined;
        continue;
      }
      if (code === end) break;
      const entry = code < dict.length ? dict[code]! : [...prev!, prev![0]!];
      for (const v of entry) if (o < out.length) out[o++] = v;
      if (prev && dict.length < 4096) dict.push([...prev, entry[0]!]);
      if (dict.length === 1 << size && size < 12) size++;
      prev = entry;
    }
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      const c = out[i]!;
      rgba.set([palette[3 * c]!, palette[3 * c + 1]!, palette[3 * c + 2]!, 255], 4 * i);
    }
    frames.push({ width: w, height: h, data: rgba });
  }
}
