// Generated stage-cost derivatives of a system, for planners that quadratize (the SQP/QP planner):
//   stage     y = (x, u) `[R, nx + nu]`:  c(y) `[R]`, ∇c `[R, k]`, ∇²c `[R, k, k]`   (k = nx + nu)
//   terminal  y = x `[R, nx]`:            c_T, ∇c_T, ∇²c_T                         (k = nx)
// from the same traced op list as the fused rollout (codegen.ts), by second-order forward mode: every op
// v = φ(a_1, …) carries its gradient and Hessian w.r.t. y,
//   ∇v = Σ_m φ_m ∇a_m,   ∇²v = Σ_m φ_m ∇²a_m + Σ_{m,m'} φ_{mm'} ∇a_m ∇a_{m'}ᵀ,
// with the first partials φ_m of rules.ts (its `grad` at cotangent 1) and the second partials φ_{mm'} of its
// `second`. Entries that are zero by structure (known when the code is generated) are never computed, so the
// code is unrolled over the nonzeros only. Non-smooth ops have tfjs's derivatives (clip masks, zero second
// partials), so the result equals nested autodiff of the twin. Emitted as JavaScript over Float64Array.
import { layoutProgram, type StageProgram } from './codegen.ts';
import { OP_RULES } from './rules.ts';
import type { TraceEntry } from './tracer.ts';

/** X `[R, nx]`, U `[R, nu]` (ignored by a terminal cost) → value `[R]`, gradient `[R, k]`, Hessian `[R, k, k]`. */
export type CostHessianFn = (X: ArrayLike<number>, U: ArrayLike<number>, P: ArrayLike<number>, R: number) => { c: Float64Array; g: Float64Array; H: Float64Array };

/** Index of (i, j), i ≤ j, in the row-major upper triangle of an n × n matrix. */
const tri = (i: number, j: number, n: number): number => i * n - (i * (i - 1)) / 2 + (j - i);

/** Generates value, gradient and Hessian of the stage cost (`which` 'stage') or the terminal cost w.r.t. y. */
export function generateCostHessians(prog: StageProgram, nx: number, nu: number, which: 'stage' | 'terminal'): { fn: CostHessianFn; source: string } {
  const root = which === 'stage' ? prog.cost : prog.terminal;
  if (root === undefined) throw new Error('generateCostHessians: the system has no terminal cost');
  const inputs = which === 'stage' ? [...prog.x, ...prog.u] : [...prog.x];
  const k = inputs.length;
  const nt = (k * (k + 1)) / 2;
  const lay = layoutProgram(prog, [root]);
  const { name, valueLine, varying } = lay;
  // Per entry: names of the nonzero gradient / Hessian (upper triangle) entries; '1' for an input's own slot.
  const d = new Map<number, Array<string | null>>();
  const h = new Map<number, Array<string | null>>();
  inputs.forEach((id, p) => {
    d.set(id, Array.from({ length: k }, (_, q) => (q === p ? '1' : null)));
    h.set(id, new Array<string | null>(nt).fill(null));
  });
  const times = (a: string, b: string): string => (a === '1' ? b : b === '1' ? a : `${a} * ${b}`);
  const body: string[] = [];
  for (const i of lay.perStep) {
    const e = prog.entries[i] as Extract<TraceEntry, { kind: 'op' }>;
    const argNames = e.args.map(name);
    const rule = OP_RULES[e.op];
    const first = rule.grad('1', argNames, name(i), e.attr);
    const second = rule.second?.(argNames, name(i)) ?? [];
    body.push(valueLine(i));
    // Only varying arguments carry derivatives.
    const args = e.args.map((a, m) => ({ m, da: varying[a] ? d.get(a) : undefined, ha: varying[a] ? h.get(a) : undefined })).filter((x) => x.da !== undefined);
    const q = new Map<number, string>();
    for (const { m } of args) {
      const f = first[m];
      if (f === null || f === undefined) continue;
      body.push(`const q${i}_${m} = ${f};`);
      q.set(m, `q${i}_${m}`);
    }
    const s = new Map<number, string>();
    const sName = (m: number, m2: number): string | undefined => {
      const idx = tri(Math.min(m, m2), Math.max(m, m2), rule.arity);
      const expr = second[idx];
      if (expr === null || expr === undefined) return undefined;
      if (!s.has(idx)) {
        body.push(`const s${i}_${idx} = ${expr};`);
        s.set(idx, `s${i}_${idx}`);
      }
      return s.get(idx);
    };
    const di = new Array<string | null>(k).fill(null);
    for (let p = 0; p < k; p++) {
      const terms = args.flatMap(({ m, da }) => (q.has(m) && da![p] ? [times(q.get(m)!, da![p]!)] : []));
      if (terms.length === 0) continue;
      body.push(`const d${i}_${p} = ${terms.join(' + ')};`);
      di[p] = `d${i}_${p}`;
    }
    const hi = new Array<string | null>(nt).fill(null);
    for (let p = 0; p < k; p++) {
      for (let r = p; r < k; r++) {
        const terms: string[] = [];
        for (const { m, ha } of args) if (q.has(m) && ha![tri(p, r, k)]) terms.push(times(q.get(m)!, ha![tri(p, r, k)]!));
        for (let x = 0; x < args.length; x++) {
          for (let y = x; y < args.length; y++) {
            const A = args[x]!, Bq = args[y]!;
            const pr: string[] = [];
            if (A.da![p] && Bq.da![r]) pr.push(times(A.da![p]!, Bq.da![r]!));
            if (x !== y && Bq.da![p] && A.da![r]) pr.push(times(Bq.da![p]!, A.da![r]!));
            if (pr.length === 0) continue;
            const sn = sName(A.m, Bq.m);
            if (sn === undefined) continue;
            terms.push(`${sn} * ${pr.length === 1 ? pr[0] : `(${pr.join(' + ')})`}`);
          }
        }
        if (terms.length === 0) continue;
        body.push(`const h${i}_${tri(p, r, k)} = ${terms.join(' + ')};`);
        hi[tri(p, r, k)] = `h${i}_${tri(p, r, k)}`;
      }
    }
    d.set(i, di);
    h.set(i, hi);
  }
  const dr = varying[root] ? d.get(root)! : new Array<string | null>(k).fill(null);
  const hr = varying[root] ? h.get(root)! : new Array<string | null>(nt).fill(null);
  const out: string[] = [`C[r] = ${name(root)};`];
  for (let p = 0; p < k; p++) if (dr[p]) out.push(`Gr[r * ${k} + ${p}] = ${dr[p]};`);
  for (let p = 0; p < k; p++) {
    for (let r = p; r < k; r++) {
      const v = hr[tri(p, r, k)];
      if (!v) continue;
      out.push(`Hs[r * ${k * k} + ${p * k + r}] = ${v};`);
      if (r !== p) out.push(`Hs[r * ${k * k} + ${r * k + p}] = ${v};`);
    }
  }
  const lines = [
    `const C = new Float64Array(R);`,
    `const Gr = new Float64Array(R * ${k});`,
    `const Hs = new Float64Array(R * ${k * k});`,
    ...lay.paramLines,
    ...lay.hoisted.map(valueLine),
    `for (let r = 0; r < R; r++) {`,
    ...Array.from({ length: nx }, (_, i) => `  const x_${i} = X[r * ${nx} + ${i}];`),
    ...(which === 'stage' ? Array.from({ length: nu }, (_, j) => `  const u_${j} = U[r * ${nu} + ${j}];`) : []),
    ...body.map((l) => `  ${l}`),
    ...out.map((l) => `  ${l}`),
    `}`,
    `return { c: C, g: Gr, H: Hs };`,
  ];
  const source = lines.join('\n');
  return { fn: new Function('X', 'U', 'P', 'R', `"use strict";\n${source}`) as CostHessianFn, source };
}
