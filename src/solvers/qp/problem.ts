// Validation and packing of QP parameters {Q, p, G, h, A, b} into one dense Float64 batch (`QpBatch`).
//
// Each parameter is either shared, with its base shape (Q `[nz, nz]`, p `[nz]`, G `[nineq, nz]`, h `[nineq]`,
// A `[neq, nz]`, b `[neq]`), or per batch with a leading `B` (Q `[B, nz, nz]`, …); a leading 1 broadcasts.
// G, h and A, b are optional (no inequality / equality constraints); empty arrays or tensors (e.g. `[[], []]`,
// a G of shape `[0, nz]`) also mean "none": an equality-only or unconstrained QP.
// Q is replaced by its symmetric part ½(Q + Qᵀ), which defines the same objective.
// Bad input throws a ShapeError / NonFiniteError naming the argument, the expected shape and the fix.
import * as tf from '@tensorflow/tfjs';
import { ShapeError, toF64, type F64, type NestedNumbers } from '../../tensor/check.ts';
import type { QpBatch } from './types.ts';

export type QpInput = NestedNumbers | tf.Tensor | F64;

export interface QpParams {
  Q: QpInput;
  p: QpInput;
  /** Optional (or empty, e.g. shape `[0, nz]`): no inequality constraints. */
  G?: QpInput;
  h?: QpInput;
  A?: QpInput;
  b?: QpInput;
}

type Name = 'Q' | 'p' | 'G' | 'h' | 'A' | 'b';
const BASE: Record<Name, string[]> = {
  Q: ['nz', 'nz'],
  p: ['nz'],
  G: ['nineq', 'nz'],
  h: ['nineq'],
  A: ['neq', 'nz'],
  b: ['neq'],
};

interface Parsed {
  data: Float64Array;
  /** Leading batch size, or 0 when shared. */
  batch: number;
  base: number[];
}

function fmt(d: Array<string | number>): string {
  return `[${d.join(', ')}]`;
}

function parseOne(name: Name, value: QpInput, dims: Record<string, number>): Parsed {
  const f = toF64(name, value);
  const base = BASE[name];
  const rank = f.shape.length;
  let batch = 0;
  let shape = f.shape;
  if (rank === base.length + 1) {
    batch = f.shape[0]!;
    shape = f.shape.slice(1);
  } else if (rank !== base.length) {
    throw new ShapeError(
      `${name}: expected shape ${fmt(['B', ...base])} (per batch) or ${fmt(base)} (shared) but got ${fmt(f.shape)}; ` +
        `reshape ${name} to one of these`,
    );
  }
  base.forEach((sym, i) => {
    const got = shape[i]!;
    const bound = dims[sym];
    if (bound === undefined) dims[sym] = got;
    else if (bound !== got) {
      throw new ShapeError(
        `${name}: expected shape ${fmt(batch ? ['B', ...base] : base)} but got ${fmt(f.shape)} ` +
          `(dimension "${sym}" is ${got} but ${sym} = ${bound} from the other parameters)`,
      );
    }
  });
  return { data: f.data, batch, base: shape };
}

function isEmpty(v: QpInput | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (v instanceof tf.Tensor) return v.size === 0;
  if (typeof v === 'object' && 'shape' in (v as object) && 'data' in (v as object)) return (v as F64).data.length === 0;
  if (typeof v === 'number') return false;
  const flat = (x: unknown): boolean =>
    Array.isArray(x) || ArrayBuffer.isView(x) ? Array.from(x as ArrayLike<unknown>).every(flat) : false;
  return flat(v);
}

/** Validates and packs the parameters. Throws ShapeError/NonFiniteError naming the argument. */
export function packQp(params: QpParams): QpBatch {
  const dims: Record<string, number> = {};
  const hasEq = !isEmpty(params.A) || !isEmpty(params.b);
  if (hasEq && (isEmpty(params.A) || isEmpty(params.b))) {
    throw new ShapeError(
      `${isEmpty(params.A) ? 'A' : 'b'}: missing while ${isEmpty(params.A) ? 'b' : 'A'} is given; pass both A [B, neq, nz] and b [B, neq] or neither`,
    );
  }
  if (typeof params !== 'object' || params === null) throw new ShapeError('qp: expected the parameters { Q, p, G?, h?, A?, b? }');
  for (const k of ['Q', 'p'] as const) {
    if (params[k] === undefined || params[k] === null) throw new ShapeError(`${k}: missing; pass ${k} ${k === 'Q' ? '[B, nz, nz] or [nz, nz]' : '[B, nz] or [nz]'}`);
  }
  const hasIneq = !isEmpty(params.G) || !isEmpty(params.h);
  if (hasIneq && (isEmpty(params.G) || isEmpty(params.h))) {
    throw new ShapeError(
      `${isEmpty(params.G) ? 'G' : 'h'}: missing while ${isEmpty(params.G) ? 'h' : 'G'} is given; pass both G [B, nineq, nz] and h [B, nineq] or neither`,
    );
  }
  const Q = parseOne('Q', params.Q, dims);
  const p = parseOne('p', params.p, dims);
  const G = hasIneq ? parseOne('G', params.G!, dims) : { data: new Float64Array(0), batch: 0, base: [0, dims.nz!] };
  const h = hasIneq ? parseOne('h', params.h!, dims) : { data: new Float64Array(0), batch: 0, base: [0] };
  const A = hasEq ? parseOne('A', params.A!, dims) : { data: new Float64Array(0), batch: 0, base: [0, dims.nz!] };
  const b = hasEq ? parseOne('b', params.b!, dims) : { data: new Float64Array(0), batch: 0, base: [0] };
  const nz = dims.nz!;
  const nineq = hasIneq ? dims.nineq! : 0;
  const neq = hasEq ? dims.neq! : 0;
  if (nz < 1) throw new ShapeError(`Q: nz must be at least 1 (got Q of shape ${fmt(Q.base)})`);
  if (neq > nz) {
    throw new ShapeError(`A: has neq = ${neq} rows but nz = ${nz}; equality constraints need neq ≤ nz (and A of full row rank)`);
  }
  const all: Array<[Name, Parsed]> = [['Q', Q], ['p', p], ['G', G], ['h', h], ['A', A], ['b', b]];
  let B = 1;
  let from = '';
  for (const [name, x] of all) {
    if (x.batch > 1) {
      if (B > 1 && x.batch !== B) {
        throw new ShapeError(`${name}: batch dimension is ${x.batch} but B = ${B} from ${from}; all batched parameters must share B`);
      }
      B = x.batch;
      from = name;
    }
  }
  // Symmetric part of Q.
  const nq = Q.batch ? Q.batch : 1;
  const Qs = new Float64Array(Q.data.length);
  for (let k = 0; k < nq; k++) {
    const o = k * nz * nz;
    for (let i = 0; i < nz; i++) {
      for (let j = 0; j < nz; j++) Qs[o + i * nz + j] = 0.5 * (Q.data[o + i * nz + j]! + Q.data[o + j * nz + i]!);
    }
  }
  const stride = (x: Parsed, size: number): number => (x.batch > 1 ? size : 0);
  return {
    B,
    nz,
    nineq,
    neq,
    Q: Qs,
    p: p.data,
    G: G.data,
    h: h.data,
    A: A.data,
    b: b.data,
    qS: stride(Q, nz * nz),
    pS: stride(p, nz),
    gS: stride(G, nineq * nz),
    hS: stride(h, nineq),
    aS: stride(A, neq * nz),
    bS: stride(b, neq),
  };
}
