// systemEnv(def, spec): a Gymnasium-style Env derived from a system definition (src/models/system). The
// definition gives the physics and the cost; the env-side companion `SystemEnvSpec` (written in the same file
// as the definition) gives what only an env needs: the initial-state distribution, an optional termination
// predicate, observation bounds, the drawing and the plot metadata.
//   reset        x₀ = spec.initial(rng) with the EpisodeGuard's seeded Rng (Float64 state `[nx]`)
//   step         ū = clip(u) into actionBounds (validateAction: NaN / wrong length raise),
//                reward = −cost(x, ū) on the state before the step (or spec.reward), x' = transition(x, ū),
//                all on `numberOps` in Float64; obs = Float32 copy of x'
//   terminated   spec.terminal?.(x'); truncation is make()'s TimeLimit (spec.maxEpisodeSteps)
//   model()      compileSystem(def, { params }): the twin over the same state (= observation) and cost
// registerSystem(id, def, spec) registers the env with every definition parameter as a make() option.
import type { Env, Info, StepResult, CanvasLike, RenderOptions, EnvMeta } from './types.ts';
import { genericMeta } from './meta.ts';
import { Box } from './spaces.ts';
import { validateAction } from './action.ts';
import { EpisodeGuard } from './episode-guard.ts';
import { register } from './registry.ts';
import { caption, clear } from './render.ts';
import type { Rng } from '../src/tensor/rng.ts';
import { paramNames, type SystemDefinition } from '../src/models/system/definition.ts';
import { numberOps } from '../src/models/system/ops.ts';
import { compileSystem, type CompiledSystem } from '../src/models/system/compile.ts';

/** What an env needs beyond the definition. */
export interface SystemEnvSpec<P extends string = string> {
  /** Initial state `[nx]` drawn from the episode's seeded generator. */
  initial(rng: Rng, p: Readonly<Record<P, number>>): ArrayLike<number>;
  /** Episode ends (terminated) after a step into `x` `[nx]`. */
  terminal?(x: readonly number[], p: Readonly<Record<P, number>>): boolean;
  /** Reward of (x, ū, x') (default −cost(x, ū)). */
  reward?(x: readonly number[], u: readonly number[], next: readonly number[], p: Readonly<Record<P, number>>): number;
  /** Observation bounds `[nx]` each (default ±Infinity). Each entry must hold for every reachable state. */
  observationBounds?: { low: readonly number[]; high: readonly number[] };
  /** Draws state x `[nx]` with the applied action ū `[nu]` (the caption is drawn after it). */
  render?(ctx: CanvasLike, width: number, height: number, x: readonly number[], u: readonly number[], p: Readonly<Record<P, number>>): void;
  /** Labels, units, targets (default genericMeta, signal 'cost'). */
  meta?: Omit<EnvMeta, 'applied'>;
  /** Episode length used by registerSystem (default 200). */
  maxEpisodeSteps?: number;
  /** One line for listings. */
  summary?: string;
}

export class SystemEnv<P extends string> implements Env {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly meta: EnvMeta;
  readonly params: Readonly<Record<P, number>>;
  private x: number[];
  private lastU: number[];
  private readonly guard: EpisodeGuard;

  constructor(
    readonly id: string,
    readonly def: SystemDefinition<P>,
    readonly spec: SystemEnvSpec<P>,
    params: Partial<Record<P, number>> = {},
  ) {
    const names = paramNames(def) as string[];
    for (const [k, v] of Object.entries(params) as Array<[string, unknown]>) {
      if (!names.includes(k)) throw new Error(`${id}: unknown option "${k}"; parameters are ${names.join(', ') || '(none)'}`);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${id}: option ${k} must be a finite number (got ${String(v)})`);
    }
    this.params = Object.freeze({ ...def.params, ...params }) as Record<P, number>;
    const nx = def.stateDim;
    const ob = spec.observationBounds;
    if (ob && (ob.low.length !== nx || ob.high.length !== nx)) throw new Error(`${id}: observationBounds.low and .high need stateDim = ${nx} entries`);
    this.observationSpace = new Box(ob ? ob.low : new Array(nx).fill(-Infinity), ob ? ob.high : new Array(nx).fill(Infinity));
    this.actionSpace = new Box(def.actionBounds.low, def.actionBounds.high);
    const base = spec.meta ?? { ...genericMeta(nx, def.actionDim), signal: 'cost' as const };
    const space = this.actionSpace;
    this.meta = { ...base, applied: (a) => Array.from(space.clip(a)) };
    this.guard = new EpisodeGuard(id);
    this.x = new Array(nx).fill(0);
    this.lastU = new Array(def.actionDim).fill(0);
  }

  get dt(): number {
    return this.def.dt;
  }

  /** The Float64 state `[nx]`. */
  getState(): number[] {
    return [...this.x];
  }

  /** Overrides the state `[nx]` (finite); returns the observation. */
  setState(x: ArrayLike<number>): Float32Array {
    if (x.length !== this.def.stateDim) throw new Error(`${this.id}.setState: state must have ${this.def.stateDim} entries (got ${x.length})`);
    const bad = Array.from(x).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${this.id}.setState: state[${bad}] is ${x[bad]}; it must be finite`);
    this.x = Array.from(x);
    return Float32Array.from(this.x);
  }

  reset(opts: { seed?: number } = {}): { obs: Float32Array; info: Info } {
    const rng = this.guard.reset(opts.seed);
    this.lastU = new Array(this.def.actionDim).fill(0);
    return { obs: this.setState(this.spec.initial(rng, this.params)), info: {} };
  }

  step(action: Float32Array): StepResult {
    this.guard.checkStep();
    const u = Array.from(validateAction(this.id, action, this.actionSpace));
    const x = this.x;
    const next = this.def.transition(x, u, this.params, numberOps) as number[];
    const bad = next.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${this.id}.step: the transition gave state[${bad}] = ${next[bad]} from [${x}] with action [${u}]; the definition must keep the state finite`);
    const reward = this.spec.reward ? this.spec.reward(x, u, next, this.params) : -(this.def.cost(x, u, this.params, numberOps) as number);
    this.x = next;
    this.lastU = u;
    const terminated = this.spec.terminal?.(next, this.params) ?? false;
    this.guard.finish(terminated);
    return { obs: Float32Array.from(next), reward, terminated, truncated: false, info: {} };
  }

  render(ctx: CanvasLike, width: number, height: number, opts: RenderOptions = {}): void {
    const u = opts.action ? Array.from(opts.action) : this.lastU;
    if (this.spec.render) this.spec.render(ctx, width, height, this.x, u, this.params);
    else clear(ctx, width, height);
    caption(ctx, `${this.id}  u = [${u.map((v) => v.toFixed(2)).join(', ')}]`, opts.note);
  }

  /** The differentiable twin with this env's parameters (generated fused rollout included). */
  model(): CompiledSystem<P> {
    return compileSystem(this.def, { params: this.params });
  }
}

/** An Env running `def` on numbers with the companion `spec`; `params` override the definition's defaults. */
export function systemEnv<P extends string>(id: string, def: SystemDefinition<P>, spec: SystemEnvSpec<P>, params: Partial<Record<P, number>> = {}): SystemEnv<P> {
  return new SystemEnv(id, def, spec, params);
}

/** Registers `id` as systemEnv(def, spec); make(id, { maxEpisodeSteps, <param>: value }) accepts every parameter. */
export function registerSystem<P extends string>(id: string, def: SystemDefinition<P>, spec: SystemEnvSpec<P>): void {
  register(id, (o) => new SystemEnv(id, def, spec, o as Partial<Record<P, number>>), { maxEpisodeSteps: spec.maxEpisodeSteps ?? 200, ...def.params }, spec.summary ?? `system "${def.name}"`);
}
