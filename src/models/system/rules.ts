// One rule per op, for the code generator: the JavaScript expression of its value and the local partial
// derivatives that the reverse-mode (adjoint) pass multiplies the result's cotangent g by, one per argument:
//   v = f(a, b, …)   ⇒   ā += g · ∂f/∂a,  b̄ += g · ∂f/∂b, …
// Expressions are strings over the argument names `a[i]`, the result name `v` and the cotangent name `g`;
// null means the partial is identically zero. The non-smooth ops follow tfjs's gradients (see ops.ts).
// `second` gives the second partials ∂²v/∂a_i∂a_j (upper triangle, row-major: (0,0), (0,1), …, (1,1), …) for
// the generated stage-cost Hessians (hessians.ts); the piecewise-linear ops have none, as tfjs's gradient of
// their gradient is zero.
import type { OpName } from './ops.ts';

export interface OpRule {
  arity: number;
  /** JavaScript expression of the value. */
  value(a: string[], attr: readonly number[]): string;
  /** JavaScript expressions of g·∂v/∂a_i, or null where zero. */
  grad(g: string, a: string[], v: string, attr: readonly number[]): Array<string | null>;
  /** JavaScript expressions of ∂²v/∂a_i∂a_j for i ≤ j (row-major upper triangle), or null where zero; omitted: all zero. */
  second?(a: string[], v: string): Array<string | null>;
}

const num = (c: number): string => (Object.is(c, -0) ? '-0' : c === Infinity ? 'Infinity' : c === -Infinity ? '-Infinity' : String(c));

export const OP_RULES: Record<OpName, OpRule> = {
  add: { arity: 2, value: ([a, b]) => `${a} + ${b}`, grad: (g) => [g, g] },
  sub: { arity: 2, value: ([a, b]) => `${a} - ${b}`, grad: (g) => [g, `-${g}`] },
  mul: { arity: 2, value: ([a, b]) => `${a} * ${b}`, grad: (g, [a, b]) => [`${g} * ${b}`, `${g} * ${a}`], second: () => [null, '1', null] },
  div: {
    arity: 2,
    value: ([a, b]) => `${a} / ${b}`,
    grad: (g, [, b], v) => [`${g} / ${b}`, `-${g} * ${v} / ${b}`],
    second: ([, b], v) => [null, `-1 / (${b} * ${b})`, `2 * ${v} / (${b} * ${b})`],
  },
  neg: { arity: 1, value: ([a]) => `-${a}`, grad: (g) => [`-${g}`] },
  sin: { arity: 1, value: ([a]) => `Math.sin(${a})`, grad: (g, [a]) => [`${g} * Math.cos(${a})`], second: (_a, v) => [`-${v}`] },
  cos: { arity: 1, value: ([a]) => `Math.cos(${a})`, grad: (g, [a]) => [`-${g} * Math.sin(${a})`], second: (_a, v) => [`-${v}`] },
  tanh: { arity: 1, value: ([a]) => `Math.tanh(${a})`, grad: (g, _a, v) => [`${g} * (1 - ${v} * ${v})`], second: (_a, v) => [`-2 * ${v} * (1 - ${v} * ${v})`] },
  exp: { arity: 1, value: ([a]) => `Math.exp(${a})`, grad: (g, _a, v) => [`${g} * ${v}`], second: (_a, v) => [v] },
  log: { arity: 1, value: ([a]) => `Math.log(${a})`, grad: (g, [a]) => [`${g} / ${a}`], second: ([a]) => [`-1 / (${a} * ${a})`] },
  sqrt: { arity: 1, value: ([a]) => `Math.sqrt(${a})`, grad: (g, _a, v) => [`${g} / (2 * ${v})`], second: (_a, v) => [`-1 / (4 * ${v} * ${v} * ${v})`] },
  square: { arity: 1, value: ([a]) => `${a} * ${a}`, grad: (g, [a]) => [`2 * ${g} * ${a}`], second: () => ['2'] },
  abs: { arity: 1, value: ([a]) => `Math.abs(${a})`, grad: (g, [a]) => [`(${a} > 0 ? ${g} : -${g})`] },
  min: { arity: 2, value: ([a, b]) => `(${a} <= ${b} ? ${a} : ${b})`, grad: (g, [a, b]) => [`(${a} <= ${b} ? ${g} : 0)`, `(${a} > ${b} ? ${g} : 0)`] },
  max: { arity: 2, value: ([a, b]) => `(${a} >= ${b} ? ${a} : ${b})`, grad: (g, [a, b]) => [`(${a} >= ${b} ? ${g} : 0)`, `(${a} < ${b} ? ${g} : 0)`] },
  atan2: {
    arity: 2,
    value: ([y, x]) => `Math.atan2(${y}, ${x})`,
    grad: (g, [y, x]) => [`${g} * ${x} / (${x} * ${x} + ${y} * ${y})`, `-${g} * ${y} / (${x} * ${x} + ${y} * ${y})`],
    second: ([y, x]) => {
      const r4 = `((${x} * ${x} + ${y} * ${y}) * (${x} * ${x} + ${y} * ${y}))`;
      return [`-2 * ${x} * ${y} / ${r4}`, `(${y} * ${y} - ${x} * ${x}) / ${r4}`, `2 * ${x} * ${y} / ${r4}`];
    },
  },
  clip: {
    arity: 1,
    value: ([x], [lo, hi]) => `(${x} < ${num(lo!)} ? ${num(lo!)} : ${x} > ${num(hi!)} ? ${num(hi!)} : ${x})`,
    grad: (g, [x], _v, [lo, hi]) => [`(${x} >= ${num(lo!)} && ${x} <= ${num(hi!)} ? ${g} : 0)`],
  },
  select: { arity: 3, value: ([c, a, b]) => `(${c} > 0 ? ${a} : ${b})`, grad: (g, [c]) => [null, `(${c} > 0 ? ${g} : 0)`, `(${c} > 0 ? 0 : ${g})`] },
};

/** A number as a JavaScript literal (negative zero and infinities included). */
export const jsNumber = num;
