// One rule per op, for the code generator: the JavaScript expression of its value and the local partial
// derivatives that the reverse-mode (adjoint) pass multiplies the result's cotangent g by, one per argument:
//   v = f(a, b, …)   ⇒   ā += g · ∂f/∂a,  b̄ += g · ∂f/∂b, …
// Expressions are strings over the argument names `a[i]`, the result name `v` and the cotangent name `g`;
// null means the partial is identically zero. The non-smooth ops follow tfjs's gradients (see ops.ts).
import type { OpName } from './ops.ts';

export interface OpRule {
  arity: number;
  /** JavaScript expression of the value. */
  value(a: string[], attr: readonly number[]): string;
  /** JavaScript expressions of g·∂v/∂a_i, or null where zero. */
  grad(g: string, a: string[], v: string, attr: readonly number[]): Array<string | null>;
}

const num = (c: number): string => (Object.is(c, -0) ? '-0' : c === Infinity ? 'Infinity' : c === -Infinity ? '-Infinity' : String(c));

export const OP_RULES: Record<OpName, OpRule> = {
  add: { arity: 2, value: ([a, b]) => `${a} + ${b}`, grad: (g) => [g, g] },
  sub: { arity: 2, value: ([a, b]) => `${a} - ${b}`, grad: (g) => [g, `-${g}`] },
  mul: { arity: 2, value: ([a, b]) => `${a} * ${b}`, grad: (g, [a, b]) => [`${g} * ${b}`, `${g} * ${a}`] },
  div: { arity: 2, value: ([a, b]) => `${a} / ${b}`, grad: (g, [, b], v) => [`${g} / ${b}`, `-${g} * ${v} / ${b}`] },
  neg: { arity: 1, value: ([a]) => `-${a}`, grad: (g) => [`-${g}`] },
  sin: { arity: 1, value: ([a]) => `Math.sin(${a})`, grad: (g, [a]) => [`${g} * Math.cos(${a})`] },
  cos: { arity: 1, value: ([a]) => `Math.cos(${a})`, grad: (g, [a]) => [`-${g} * Math.sin(${a})`] },
  tanh: { arity: 1, value: ([a]) => `Math.tanh(${a})`, grad: (g, _a, v) => [`${g} * (1 - ${v} * ${v})`] },
  exp: { arity: 1, value: ([a]) => `Math.exp(${a})`, grad: (g, _a, v) => [`${g} * ${v}`] },
  log: { arity: 1, value: ([a]) => `Math.log(${a})`, grad: (g, [a]) => [`${g} / ${a}`] },
  sqrt: { arity: 1, value: ([a]) => `Math.sqrt(${a})`, grad: (g, _a, v) => [`${g} / (2 * ${v})`] },
  square: { arity: 1, value: ([a]) => `${a} * ${a}`, grad: (g, [a]) => [`2 * ${g} * ${a}`] },
  abs: { arity: 1, value: ([a]) => `Math.abs(${a})`, grad: (g, [a]) => [`(${a} > 0 ? ${g} : -${g})`] },
  min: { arity: 2, value: ([a, b]) => `(${a} <= ${b} ? ${a} : ${b})`, grad: (g, [a, b]) => [`(${a} <= ${b} ? ${g} : 0)`, `(${a} > ${b} ? ${g} : 0)`] },
  max: { arity: 2, value: ([a, b]) => `(${a} >= ${b} ? ${a} : ${b})`, grad: (g, [a, b]) => [`(${a} >= ${b} ? ${g} : 0)`, `(${a} < ${b} ? ${g} : 0)`] },
  atan2: {
    arity: 2,
    value: ([y, x]) => `Math.atan2(${y}, ${x})`,
    grad: (g, [y, x]) => [`${g} * ${x} / (${x} * ${x} + ${y} * ${y})`, `-${g} * ${y} / (${x} * ${x} + ${y} * ${y})`],
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
