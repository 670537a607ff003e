// Seeded randomness: one seed drives env resets, sampling noise and weight initialisation.
//
// Generator: xoshiro128** (Blackman & Vigna, 2018), 128-bit state seeded through splitmix32, period 2^128 − 1.
// Normals: the Box–Muller transform, z0 = √(−2 ln u1)·cos(2πu2), z1 = √(−2 ln u1)·sin(2πu2), both used.
// `split()` derives an independent child stream (jump by re-seeding from the parent's output), so that
// components (env, solver, model init) can draw without perturbing each other's sequences.
// Everything is plain JS arithmetic on 32-bit integers, hence bit-for-bit reproducible on every backend;
// tensors are built from the drawn Float32Arrays.
import * as tf from '@tensorflow/tfjs';

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number (got ${seed})`);
    this.seed = Math.floor(seed) >>> 0;
    const sm = splitmix32(this.seed);
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal draw (Box–Muller, both outputs used). */
  normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    let u1 = this.uniform();
    while (u1 <= 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fills a new Float32Array of `size` standard normals. */
  normalArray(size: number): Float32Array {
    const out = new Float32Array(size);
    let i = 0;
    if (size > 0 && this.spare !== undefined) out[i++] = this.normal();
    // Whole Box–Muller pairs inline (the same draws and order as repeated normal(), without the spare branch).
    for (; i + 1 < size; i += 2) {
      let u1 = this.uniform();
      while (u1 <= 0) u1 = this.uniform();
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = r * Math.cos(2 * Math.PI * u2);
      out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    if (i < size) out[i] = this.normal();
    return out;
  }

  /** Fills a new Float32Array of `size` uniforms in [lo, hi). */
  uniformArray(size: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** Tensor of standard normals with the given shape. */
  normalTensor(shape: number[]): tf.Tensor {
    return tf.tensor(this.normalArray(shape.reduce((a, b) => a * b, 1)), shape, 'float32');
  }

  /** Tensor of uniforms in [lo, hi) with the given shape. */
  uniformTensor(shape: number[], lo = 0, hi = 1): tf.Tensor {
    return tf.tensor(this.uniformArray(shape.reduce((a, b) => a * b, 1), lo, hi), shape, 'float32');
  }

  /** An independent child generator; the parent advances by one draw. */
  split(): Rng {
    return new Rng(this.nextU32() ^ 0x5bd1e995);
  }

  /** A fresh 32-bit seed (for APIs that take a seed, e.g. an env reset). */
  nextSeed(): number {
    return this.nextU32();
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalRng = new Rng(0);

/** Sets the seed of the process-wide generator used when a component is not given its own `Rng`. */
export function seedAll(seed: number): Rng {
  globalRng = new Rng(seed);
  return globalRng;
}

/** The process-wide generator (seed 0 until `seedAll` is called). */
export function defaultRng(): Rng {
  return globalRng;
}
