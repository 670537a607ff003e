// Code generation of the fused rollout cost of a system (definition.ts) over R rows × H steps:
//   J_r = Σ_{t<H} c(x_t, u_t, p) + c_T(x_H, p),   x_{t+1} = f(x_t, u_t, p),   x0 `[R, nx]`, U `[R, H, nu]` → J `[R]`
// (c_T = 0 without a terminal cost), and its reverse-mode derivative (the adjoint method): with
// λ_H = ∂c_T/∂x_H and, for t = H−1..0,
//   λ_t = ∂c/∂x_t + (∂f/∂x_t)ᵀ λ_{t+1},   ∂J/∂u_t = ∂c/∂u_t + (∂f/∂u_t)ᵀ λ_{t+1},   ∂J/∂p += ∂c/∂p + (∂f/∂p)ᵀ λ_{t+1},
// each scaled by the row's output cotangent. The definition is traced once (tracer.ts); the forward loop
// evaluates the op list per step, the backward loop recomputes each step's values from the stored trajectory
// `[R, H + 1, nx]` and sweeps the op list in reverse, accumulating cotangents with the local rules of
// rules.ts. Ops that read only parameters and constants are hoisted out of both loops: computed once, their
// cotangents summed over all rows and steps, then pushed back to the parameters once. The loops are emitted
// as specialized JavaScript (new Function) over Float64Array, one local variable per op.
import { paramNames, type SystemDefinition } from './definition.ts';
import { OP_RULES, jsNumber } from './rules.ts';
import { TraceGraph, TraceNode, tracerOps, type TraceEntry } from './tracer.ts';

export interface RolloutKernelFns {
  /** x0 `[R, nx]`, U `[R, H, nu]`, P `[np]` → J `[R]` and, when `keep`, the trajectory `[R, H + 1, nx]`. */
  forward(x0: ArrayLike<number>, U: ArrayLike<number>, P: ArrayLike<number>, R: number, H: number, keep: boolean): { J: Float64Array; traj: Float64Array };
  /** Cotangents for the output cotangent dJ `[R]`: x0 `[R, nx]`, U `[R, H, nu]`, P `[np]`. */
  backward(traj: Float64Array, U: ArrayLike<number>, P: ArrayLike<number>, dJ: ArrayLike<number>, R: number, H: number): { dx0: Float64Array; dU: Float64Array; dParams: Float64Array };
}

/** The traced stage: op list, the ids of the inputs and outputs, and which parameters each output reads. */
export interface StageProgram {
  entries: TraceEntry[];
  x: number[];
  u: number[];
  p: number[];
  next: number[];
  cost: number;
  /** The terminal cost, when the definition has one (its inputs are the same x nodes, read at x_H). */
  terminal?: number;
  params: string[];
  /** Parameters the transition reads / the stage and terminal costs read. */
  transitionParams: string[];
  costParams: string[];
}

export interface GeneratedKernel extends RolloutKernelFns, StageProgram {
  /** The generated JavaScript, for inspection. */
  source: { forward: string; backward: string };
}

/** Traces the transition and the stage cost of a definition into one op list. */
export function traceStage(def: SystemDefinition): StageProgram {
  const g = new TraceGraph();
  const m = tracerOps(g);
  const names = paramNames(def);
  const x = Array.from({ length: def.stateDim }, (_, i) => g.input('x', i));
  const u = Array.from({ length: def.actionDim }, (_, j) => g.input('u', j));
  const pNodes = names.map((_, k) => g.input('p', k));
  const p = Object.fromEntries(names.map((n, k) => [n, pNodes[k]!])) as Record<string, TraceNode>;
  const out = (v: unknown, what: string): number => {
    if (typeof v === 'number') return g.constant(v).id;
    if (v instanceof TraceNode) return v.id;
    throw new Error(`system "${def.name}": ${what} must be a value computed with m or a number (got ${typeof v})`);
  };
  const nextRaw = def.transition(x, u, p, m);
  if (!Array.isArray(nextRaw) || nextRaw.length !== def.stateDim) {
    throw new Error(`system "${def.name}": transition must return stateDim = ${def.stateDim} values (got ${Array.isArray(nextRaw) ? nextRaw.length : typeof nextRaw})`);
  }
  const next = nextRaw.map((v, i) => out(v, `transition()[${i}]`));
  const cost = out(def.cost(x, u, p, m), 'cost()');
  const terminal = def.terminal ? out(def.terminal(x, p, m), 'terminal()') : undefined;
  const reads = (roots: number[]): string[] => {
    const seen = new Set<number>();
    const stack = [...roots];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen.has(i)) continue;
      seen.add(i);
      const e = g.entries[i]!;
      if (e.kind === 'op') stack.push(...e.args);
    }
    return names.filter((_, k) => seen.has(pNodes[k]!.id));
  };
  return {
    entries: g.entries,
    x: x.map((n) => n.id),
    u: u.map((n) => n.id),
    p: pNodes.map((n) => n.id),
    next,
    cost,
    ...(terminal !== undefined ? { terminal } : {}),
    params: names,
    transitionParams: reads(next),
    costParams: reads(terminal !== undefined ? [cost, terminal] : [cost]),
  };
}

/** What code generation needs of an op list: liveness, per-step vs hoisted ops, names and value lines. */
export interface ProgramLayout {
  live: boolean[];
  /** Whether an entry reads x or u (else it is computed once from parameters and constants). */
  varying: boolean[];
  /** Live ops computed once / per step, in evaluation order. */
  hoisted: number[];
  perStep: number[];
  /** The JavaScript name (or literal) of an entry. */
  name(i: number): string;
  /** `const v<i> = <value>;` of an op entry. */
  valueLine(i: number): string;
  /** Declarations of the live parameters from `P`. */
  paramLines: string[];
}

/** Lays out a traced stage for code generation. */
export function layoutProgram(prog: StageProgram, roots: number[] = [...prog.next, prog.cost]): ProgramLayout {
  const { entries } = prog;
  const n = entries.length;
  const live = new Array<boolean>(n).fill(false);
  for (const r of roots) live[r] = true;
  for (let i = n - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (live[i] && e.kind === 'op') for (const a of e.args) live[a] = true;
  }
  const varying = entries.map((e) => e.kind === 'x' || e.kind === 'u');
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    if (e.kind === 'op') varying[i] = e.args.some((a) => varying[a]);
  }
  const name = (i: number): string => {
    const e = entries[i]!;
    switch (e.kind) {
      case 'const':
        return `(${jsNumber(e.value)})`;
      case 'x':
        return `x_${e.index}`;
      case 'u':
        return `u_${e.index}`;
      case 'p':
        return `p_${e.index}`;
      case 'op':
        return `v${i}`;
    }
  };
  const valueLine = (i: number): string => {
    const e = entries[i] as Extract<TraceEntry, { kind: 'op' }>;
    return `const v${i} = ${OP_RULES[e.op].value(e.args.map(name), e.attr)};`;
  };
  const ops = (pred: (i: number) => boolean): number[] => entries.map((_, i) => i).filter((i) => live[i] && entries[i]!.kind === 'op' && pred(i));
  return {
    live,
    varying,
    hoisted: ops((i) => !varying[i]),
    perStep: ops((i) => varying[i]!),
    name,
    valueLine,
    paramLines: prog.p.map((_, k) => `const p_${k} = P[${k}];`).filter((_, k) => live[prog.p[k]!]),
  };
}

/** Generates the forward and adjoint loops of a traced stage. */
export function generateKernel(prog: StageProgram, nx: number, nu: number): GeneratedKernel {
  const { entries } = prog;
  const stage = layoutProgram(prog);
  const term = prog.terminal !== undefined ? layoutProgram(prog, [prog.terminal]) : undefined;
  const { varying, perStep, name, valueLine } = stage;
  // Live in the stage or the terminal cost; the hoisted ops and parameters of both are computed once.
  const live = stage.live.map((v, i) => v || (term?.live[i] ?? false));
  const hoisted = entries.map((_, i) => i).filter((i) => live[i] && entries[i]!.kind === 'op' && !varying[i]);
  const params = prog.p.map((_, k) => `const p_${k} = P[${k}];`).filter((_, k) => live[prog.p[k]!]);
  const range = (m: number) => Array.from({ length: m }, (_, i) => i);
  const terminalForward = term
    ? [`  {`, ...range(nx).map((i) => `    const x_${i} = s${i};`), ...term.perStep.map((i) => `    ${valueLine(i)}`), `    total += ${name(prog.terminal!)};`, `  }`]
    : [];

  const forward = [
    `const J = new Float64Array(R);`,
    `const traj = new Float64Array(keep ? R * (H + 1) * ${nx} : 0);`,
    ...params,
    ...hoisted.map(valueLine),
    `for (let r = 0; r < R; r++) {`,
    ...range(nx).map((i) => `  let s${i} = X0[r * ${nx} + ${i}];`),
    `  const o = r * (H + 1) * ${nx};`,
    `  if (keep) { ${range(nx).map((i) => `traj[o + ${i}] = s${i};`).join(' ')} }`,
    `  let total = 0;`,
    `  for (let t = 0; t < H; t++) {`,
    `    const ub = (r * H + t) * ${nu};`,
    ...range(nx).map((i) => `    const x_${i} = s${i};`),
    ...range(nu).map((j) => `    const u_${j} = U[ub + ${j}];`),
    ...perStep.map((i) => `    ${valueLine(i)}`),
    `    total += ${name(prog.cost)};`,
    ...range(nx).map((i) => `    s${i} = ${name(prog.next[i]!)};`),
    `    if (keep) { const q = o + (t + 1) * ${nx}; ${range(nx).map((i) => `traj[q + ${i}] = s${i};`).join(' ')} }`,
    `  }`,
    ...terminalForward,
    `  J[r] = total;`,
    `}`,
    `return { J, traj };`,
  ].join('\n');

  // Cotangent names: per-step entries get `b<i>` (reset each step), hoisted ones `G<i>` (summed over all).
  const hasBar = (i: number): boolean => entries[i]!.kind !== 'const' && live[i]!;
  const bar = (i: number): string => (varying[i] ? `b${i}` : `G${i}`);
  const sweep = (list: number[], indent: string): string[] => {
    const lines: string[] = [];
    for (const i of [...list].reverse()) {
      const e = entries[i] as Extract<TraceEntry, { kind: 'op' }>;
      const grads = OP_RULES[e.op].grad(bar(i), e.args.map(name), name(i), e.attr);
      e.args.forEach((a, k) => {
        if (grads[k] !== null && grads[k] !== undefined && hasBar(a)) lines.push(`${indent}${bar(a)} += ${grads[k]};`);
      });
    }
    return lines;
  };
  const perStepBars = entries.map((_, i) => i).filter((i) => hasBar(i) && varying[i] && stage.live[i]);
  // λ_H = y ∂c_T/∂x_H: the terminal cost's ops at the stored x_H, swept once per row.
  const terminalBackward = term
    ? [
        `  {`,
        `    const q = (r * (H + 1) + H) * ${nx};`,
        ...range(nx).map((i) => `    const x_${i} = traj[q + ${i}];`),
        ...term.perStep.map((i) => `    ${valueLine(i)}`),
        ...entries.map((_, i) => i).filter((i) => hasBar(i) && varying[i] && term.live[i]).map((i) => `    let b${i} = 0;`),
        ...(hasBar(prog.terminal!) ? [`    ${bar(prog.terminal!)} += y;`] : []),
        ...sweep(term.perStep, '    '),
        ...range(nx).map((i) => `    l${i} = ${term.live[prog.x[i]!] ? `b${prog.x[i]}` : '0'};`),
        `  }`,
      ]
    : [];
  const globalBars = entries.map((_, i) => i).filter((i) => hasBar(i) && !varying[i]);
  const backward = [
    `const dX0 = new Float64Array(R * ${nx});`,
    `const dU = new Float64Array(R * H * ${nu});`,
    ...params,
    ...hoisted.map(valueLine),
    ...globalBars.map((i) => `let G${i} = 0;`),
    `for (let r = 0; r < R; r++) {`,
    `  const y = dJ[r];`,
    ...range(nx).map((i) => `  let l${i} = 0;`),
    ...terminalBackward,
    `  for (let t = H - 1; t >= 0; t--) {`,
    `    const q = (r * (H + 1) + t) * ${nx};`,
    `    const ub = (r * H + t) * ${nu};`,
    ...range(nx).map((i) => `    const x_${i} = traj[q + ${i}];`),
    ...range(nu).map((j) => `    const u_${j} = U[ub + ${j}];`),
    ...perStep.map((i) => `    ${valueLine(i)}`),
    ...perStepBars.map((i) => `    let b${i} = 0;`),
    ...(hasBar(prog.cost) ? [`    ${bar(prog.cost)} += y;`] : []),
    ...range(nx).flatMap((i) => (hasBar(prog.next[i]!) ? [`    ${bar(prog.next[i]!)} += l${i};`] : [])),
    ...sweep(perStep, '    '),
    ...range(nx).map((i) => `    l${i} = ${stage.live[prog.x[i]!] ? `b${prog.x[i]}` : '0'};`),
    ...range(nu).map((j) => `    dU[ub + ${j}] = ${stage.live[prog.u[j]!] ? `b${prog.u[j]}` : '0'};`),
    `  }`,
    ...range(nx).map((i) => `  dX0[r * ${nx} + ${i}] = l${i};`),
    `}`,
    ...sweep(hoisted, ''),
    `const dParams = new Float64Array(${prog.p.length});`,
    ...prog.p.map((id, k) => (hasBar(id) ? `dParams[${k}] = G${id};` : '')).filter((s) => s),
    `return { dx0: dX0, dU, dParams };`,
  ].join('\n');

  const fwd = new Function('X0', 'U', 'P', 'R', 'H', 'keep', `"use strict";\n${forward}`) as RolloutKernelFns['forward'];
  const bwd = new Function('traj', 'U', 'P', 'dJ', 'R', 'H', `"use strict";\n${backward}`) as RolloutKernelFns['backward'];
  return { ...prog, forward: fwd, backward: bwd, source: { forward, backward } };
}

/** Traces a definition and generates its fused rollout kernel. */
export function compileKernel(def: SystemDefinition): GeneratedKernel {
  return generateKernel(traceStage(def), def.stateDim, def.actionDim);
}
