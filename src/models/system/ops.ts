// The scalar numeric interface a system definition is written against, and its plain-number implementation.
// One definition runs on several implementations of `Ops<T>`: numbers (the env's analytic step), tfjs tensors
// of batched columns `[R]` (the differentiable twin, tensor-ops.ts) and a tracer that records an op list
// (tracer.ts) from which the fused rollout and its adjoint are generated (codegen.ts).
// Every binary op takes numbers too (`m.mul(1.5, g)`); each implementation lifts them with `const`.
// Non-smooth ops have the derivatives tfjs gives them, so every implementation agrees:
//   clip(x, lo, hi)' = 1 on [lo, hi], 0 outside;  min(a, b): ∂a = [a ≤ b], ∂b = [a > b];
//   max(a, b): ∂a = [a ≥ b], ∂b = [a < b];  abs' = x > 0 ? 1 : −1;  select(c, a, b) = c > 0 ? a : b.

/** A value of the implementation or a plain number (a constant). */
export type Val<T> = T | number;

export interface Ops<T> {
  const(c: number): T;
  add(a: Val<T>, b: Val<T>): T;
  sub(a: Val<T>, b: Val<T>): T;
  mul(a: Val<T>, b: Val<T>): T;
  div(a: Val<T>, b: Val<T>): T;
  neg(a: Val<T>): T;
  sin(a: Val<T>): T;
  cos(a: Val<T>): T;
  tanh(a: Val<T>): T;
  exp(a: Val<T>): T;
  log(a: Val<T>): T;
  sqrt(a: Val<T>): T;
  square(a: Val<T>): T;
  abs(a: Val<T>): T;
  min(a: Val<T>, b: Val<T>): T;
  max(a: Val<T>, b: Val<T>): T;
  /** atan2(y, x) ∈ [−π, π]. */
  atan2(y: Val<T>, x: Val<T>): T;
  /** Clips to the constant interval [lo, hi]. */
  clip(x: Val<T>, lo: number, hi: number): T;
  /** c > 0 ? a : b, elementwise (no derivative through c). */
  select(c: Val<T>, a: Val<T>, b: Val<T>): T;
}

/** The names of the ops (for tables indexed by op). */
export type OpName = Exclude<keyof Ops<unknown>, 'const'>;

/** Plain numbers: the env's analytic step and constant folding of the tracer. */
export const numberOps: Ops<number> = {
  const: (c) => c,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (a) => a * a,
  abs: Math.abs,
  min: (a, b) => (a <= b ? a : b),
  max: (a, b) => (a >= b ? a : b),
  atan2: Math.atan2,
  clip: (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x),
  select: (c, a, b) => (c > 0 ? a : b),
};
