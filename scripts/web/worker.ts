// The playground's Web Worker: closed-loop MPC on the tfjs wasm backend, so the page stays responsive. It
// owns the env (the same registered envs as Node), the MPC controller and the env canvas (an OffscreenCanvas
// handed over by the page), and posts one StepRecord per control step (scripts/web/protocol.ts). Each step:
//   u = MPC.act(obs)  (timed: ms per plan)  →  env.step(u)  →  env.render(canvas)  →  the plan's predicted
//   states x̂₁…x̂_H (twin rollout of the planned actions) drawn over it as faint copies of the env.
// Pointer drags (grab/drag/release, in frame pixels) go to the env's own hook (envs/pointer.ts): on the
// matter-js envs a soft Matter.Constraint holds the body at the pointer while the loop keeps stepping, so
// the controller fights the hand live and the plan's ghosts keep drawing.
// A second instance of this worker runs the training tab (imitation through the solver, src/train/imitation.ts).
// The wasm backend must load: if setBackend('wasm') fails (e.g. the .wasm files are not served), the worker
// reports a fatal error instead of letting tfjs fall back to another backend.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { envSpec, isDraggable, listEnvs } from '../../envs/index.ts';
import type { Env } from '../../envs/types.ts';
import { CAPTION_PX } from '../../envs/render.ts';
import { MPC, listPlannerNames } from '../../controllers/index.ts';
import '../../src/solvers/index.ts';
import { compileSystem } from '../../src/models/system/compile.ts';
import { pendulumSystem } from '../../envs/pendulum.ts';
import { Rng } from '../../src/tensor/rng.ts';
import { disposeImitationData, expertData, imitate } from '../../src/train/imitation.ts';
import { envAdapter, type EnvAdapter } from './env-adapters.ts';
import { PLAYGROUND_SOLVERS, plannerDefaults, solverConfigFor } from './planner-settings.ts';
import type { EnvInfo, FromWorker, PlannerSettings, ToWorker, TrainSettings } from './protocol.ts';

interface WorkerScope {
  postMessage(msg: FromWorker): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker): void => scope.postMessage(m);
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Ghost copies of the env drawn along the plan. */
const GHOSTS = 6;

interface Session {
  settings: PlannerSettings;
  env: Env;
  ghostEnv: Env | undefined;
  adapter: EnvAdapter | undefined;
  mpc: MPC;
  obs: Float32Array;
  t: number;
  info: EnvInfo;
  terminated: boolean;
}

let canvas: OffscreenCanvas | undefined;
let ghostCanvas: OffscreenCanvas | undefined;
let session: Session | undefined;
let running = false;
let loopId = 0;
let ready = false;
/** The last plan's predicted observations, redrawn when a drag moves while paused. */
let plan: number[][] | undefined;
/** Pointer moves applied to the current grab. */
let grabMoves = 0;

/** A registered env without make()'s TimeLimit (the playground runs until paused); physics overrides allowed. */
function buildEnv(id: string, extra: Record<string, unknown> = {}): Env {
  const spec = envSpec(id);
  if (!spec) throw new Error(`env "${id}" is not registered; known: ${listEnvs().map((s) => s.id).join(', ')}`);
  const { maxEpisodeSteps: _drop, ...defaults } = spec.defaults;
  return spec.factory({ ...defaults, ...Object.fromEntries(Object.entries(extra).filter(([k]) => k in defaults)) });
}

/** What a pointer drag does on `env` (the page's hint). */
function dragNote(env: Env, adapter: EnvAdapter | undefined): { draggable: boolean; dragNote: string } {
  const physics = (env as { physics?: string }).physics;
  if (isDraggable(env) && physics !== 'analytic') {
    return { draggable: true, dragNote: `Drag the ${env.id.startsWith('Pendulum') ? 'pendulum' : 'cart or the pole'} with the mouse: a matter-js constraint holds it at the pointer (this env runs its matter-js physics) while the controller fights it; let go and watch it recover.` };
  }
  const why = isDraggable(env) ? `${env.id} runs its analytic physics` : `${env.id} has no matter-js world`;
  return { draggable: false, dragNote: adapter ? `${why}: drag across the scene (or press ← →) to give it a velocity push.` : `${why} and no push.` };
}

function envInfo(env: Env, adapter: EnvAdapter | undefined): EnvInfo {
  const nx = env.observationSpace.shape[0]!;
  const nu = env.actionSpace.shape[0]!;
  const meta = env.meta;
  return {
    id: env.id,
    ...(env.dt !== undefined ? { dt: env.dt } : {}),
    obsLabels: meta ? meta.observations.map((o) => o.label) : Array.from({ length: nx }, (_, i) => `obs[${i}]`),
    obsTargets: meta ? meta.observations.map((o) => o.target?.value) : new Array(nx).fill(undefined),
    actLabels: meta ? [...meta.actions] : Array.from({ length: nu }, (_, i) => `action[${i}]`),
    signal: meta?.signal ?? 'reward',
    frame: meta?.frame ?? { width: 400, height: 400 },
    pushable: adapter !== undefined,
    ...dragNote(env, adapter),
  };
}

function configure(s: PlannerSettings): void {
  const old = session;
  session = undefined;
  if (old) disposeSession(old);
  const env = buildEnv(s.env);
  const twin = env.model?.();
  if (!twin) throw new Error(`${s.env} has no differentiable twin (model()); MPC needs one`);
  const adapter = envAdapter(env);
  const mpc = new MPC({
    model: twin.dynamics,
    cost: twin.cost,
    bounds: [Array.from(env.actionSpace.low), Array.from(env.actionSpace.high)],
    horizon: s.horizon,
    samples: s.samples,
    iterations: s.iterations,
    solver: s.solver,
    solverConfig: solverConfigFor(s),
    seed: s.seed,
    trace: true,
  });
  const { obs } = env.reset({ seed: s.seed });
  const info = envInfo(env, adapter);
  session = { settings: s, env, ghostEnv: adapter ? buildEnv(s.env, { physics: 'analytic' }) : undefined, adapter, mpc, obs, t: 0, info, terminated: false };
  if (canvas) {
    canvas.width = info.frame.width;
    canvas.height = info.frame.height;
    ghostCanvas = new OffscreenCanvas(info.frame.width, info.frame.height);
  }
  plan = undefined;
  draw(session, undefined);
  post({ type: 'configured', env: info, settings: s, obs: Array.from(obs) });
}

function disposeSession(s: Session): void {
  tf.dispose([...s.mpc.model.variables(), ...(s.mpc.cost.variables?.() ?? [])]);
  s.env.close?.();
  s.ghostEnv?.close?.();
}

/** Predicted observations `[H][nx]` of the twin under the plan `[H·nu]` from `obs`. */
function predicted(s: Session, obs: Float32Array, plan: Float32Array): number[][] {
  const { horizon: H, nu, nx } = s.mpc;
  const flat = tf.tidy(() => {
    let x: tf.Tensor = tf.tensor2d(obs, [1, nx]);
    const xs: tf.Tensor[] = [];
    for (let t = 0; t < H; t++) {
      x = s.mpc.model.step(x, tf.tensor2d(plan.subarray(t * nu, (t + 1) * nu), [1, nu]));
      xs.push(x);
    }
    return tf.concat(xs, 0).dataSync();
  });
  return Array.from({ length: H }, (_, t) => Array.from(flat.subarray(t * nx, (t + 1) * nx)));
}

/** Draws the env and the plan's ghosts; returns the number of ghosts drawn. */
function draw(s: Session, plan: number[][] | undefined): number {
  if (!canvas) return 0;
  const ctx = canvas.getContext('2d')!;
  const { width: W, height: H } = canvas;
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  s.env.render?.(ctx, W, H, { note: `${s.info.dt !== undefined ? `t = ${(s.t * s.info.dt).toFixed(2)} s` : `step ${s.t}`}  ${s.settings.solver} H ${s.settings.horizon}${plan && s.ghostEnv ? '  (faint: the plan)' : ''}` });
  if (!plan || !s.ghostEnv || !s.adapter || !ghostCanvas) return 0;
  const g = ghostCanvas.getContext('2d')!;
  const top = Math.min(CAPTION_PX, H - 1);
  for (let k = 1; k <= GHOSTS; k++) {
    const row = plan[Math.min(plan.length - 1, Math.round((k * plan.length) / GHOSTS) - 1)]!;
    s.adapter.setFromObs(s.ghostEnv, row);
    s.ghostEnv.render?.(g, W, H);
    // multiply: the ghost's white background leaves the frame unchanged, its shapes darken it faintly
    ctx.globalCompositeOperation = 'multiply';
    ctx.globalAlpha = 0.12 + (0.25 * (GHOSTS - k)) / GHOSTS;
    ctx.drawImage(ghostCanvas, 0, top, W, H - top, 0, top, W, H - top);
  }
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  return GHOSTS;
}

/** One control step; returns false when the episode terminated (the env then needs a reset). */
function stepOnce(s: Session): boolean {
  if (s.terminated) throw new Error(`${s.settings.env} terminated at step ${s.t}; reset (R) to start a new episode`);
  const before = s.obs;
  const t0 = performance.now();
  const action = s.mpc.act(before);
  const msPerPlan = performance.now() - t0;
  plan = s.mpc.lastPlan ? predicted(s, before, s.mpc.lastPlan) : undefined;
  const r = s.env.step(action);
  s.obs = r.obs;
  s.t += 1;
  const ghosts = draw(s, plan);
  const trace = s.mpc.lastInfo?.trace;
  post({
    type: 'step',
    record: {
      t: s.t,
      obs: Array.from(r.obs),
      action: Array.from(action),
      signal: s.info.signal === 'cost' ? -r.reward : r.reward,
      msPerPlan,
      ghosts,
      ...(trace ? { trace } : {}),
    },
  });
  if (r.terminated) {
    s.terminated = true;
    post({ type: 'terminated', atStep: s.t });
  }
  return !r.terminated;
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/** Pace of an env without a dt (ms per step). */
const DEFAULT_STEP_MS = 50;

/** Runs steps until paused; real time (one step per dt) unless `fast`. */
async function loop(fast: boolean): Promise<void> {
  const id = ++loopId;
  while (running && id === loopId && session) {
    const t0 = performance.now();
    try {
      if (!stepOnce(session)) {
        running = false;
        post({ type: 'state', running });
        return;
      }
    } catch (e) {
      running = false;
      post({ type: 'error', message: `step failed: ${errorText(e)}` });
      post({ type: 'state', running });
      return;
    }
    const wait = fast ? 0 : Math.max(0, (session.info.dt !== undefined ? session.info.dt * 1000 : DEFAULT_STEP_MS) - (performance.now() - t0));
    await sleep(wait);
  }
}

/** Plans per second of closed-loop MPC (env steps between plans, no drawing and no trace). */
function bench(plans: number, warmup: number): void {
  const s = plannerDefaults('Pendulum-v1', 'dcem');
  const settings: PlannerSettings = { env: 'Pendulum-v1', solver: 'dcem', ...s, seed: 0 };
  const env = buildEnv('Pendulum-v1');
  const twin = env.model!();
  const mpc = new MPC({ model: twin.dynamics, cost: twin.cost, bounds: [-2, 2], horizon: settings.horizon, samples: settings.samples, iterations: settings.iterations, solver: 'dcem', solverConfig: solverConfigFor(settings), seed: 0 });
  let { obs } = env.reset({ seed: 0 });
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + plans; i++) {
      const t0 = performance.now();
      const u = mpc.act(obs);
      if (i >= warmup) times.push(performance.now() - t0);
      ({ obs } = env.step(u));
    }
  } finally {
    tf.dispose([...twin.dynamics.variables(), ...(twin.cost.variables?.() ?? [])]);
    env.close?.();
  }
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  const sorted = [...times].sort((a, b) => a - b);
  post({ type: 'bench', plans, seconds, plansPerSec: plans / seconds, msMedian: sorted[Math.floor(sorted.length / 2)]!, settings });
}

/** Learns the pendulum's mass and length by imitating an expert MPC through the solver (as `diffmpc train-imitation`). */
function train(c: TrainSettings): void {
  const rng = new Rng(c.seed);
  const states = Array.from({ length: c.states }, () => {
    const th = rng.uniformIn(-Math.PI, Math.PI);
    return [Math.cos(th), Math.sin(th), rng.uniformIn(-4, 4)];
  });
  const obs = tf.tensor(states);
  const common = { horizon: c.horizon, solver: c.solver, bounds: [-2, 2] as [number, number], iterations: c.iterations, samples: c.samples };
  const expertSys = compileSystem(pendulumSystem);
  const expertModel = expertSys.dynamics;
  const expert = new MPC({ ...common, model: expertModel, cost: expertSys.cost, seed: c.seed + 1 });
  const data = expertData(expert, obs, { sampling: c.solver !== 'gd' && c.solver !== 'qp' });
  const learnerSys = compileSystem(pendulumSystem, { params: { mass: c.initMass, length: c.initLength }, trainable: ['mass', 'length'] });
  const learner = learnerSys.dynamics;
  const mpc = new MPC({ ...common, model: learner, cost: learnerSys.cost, seed: c.seed + 2 });
  const read = () => {
    const { mass, length } = learner.values();
    return { mass, length };
  };
  try {
    const losses = imitate(mpc, data, learner.variables(), {
      iterations: c.steps,
      learningRate: c.learningRate,
      onIteration: (i, loss) => post({ type: 'train-step', i, loss, ...read() }),
    });
    post({ type: 'train-done', losses, ...read() });
  } finally {
    disposeImitationData(data);
    tf.dispose([obs, ...expertModel.variables(), ...learner.variables()]);
  }
}

async function init(wasmBase: string, offscreen: OffscreenCanvas | undefined): Promise<void> {
  setWasmPaths(wasmBase);
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    post({ type: 'fatal', message: `the tfjs wasm backend failed to load from ${wasmBase}: ${errorText(e)}` });
    return;
  }
  if (!ok || tf.getBackend() !== 'wasm') {
    post({ type: 'fatal', message: `tf.setBackend('wasm') returned ${ok} (backend now "${tf.getBackend()}"): the .wasm files are not served from ${wasmBase}; rebuild with diffmpc build-web` });
    return;
  }
  await tf.ready();
  tf.enableProdMode();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  canvas = offscreen;
  ready = true;
  post({ type: 'ready', backend: tf.getBackend(), flavour: `${simd ? 'simd' : 'no simd'}, ${threads ? 'multi-threaded' : 'single thread'}` });
  const solvers = PLAYGROUND_SOLVERS.filter((n) => listPlannerNames().includes(n));
  const presets: Record<string, Record<string, ReturnType<typeof plannerDefaults>>> = {};
  for (const spec of listEnvs()) presets[spec.id] = Object.fromEntries(solvers.map((sv) => [sv, plannerDefaults(spec.id, sv)]));
  post({ type: 'envs', envs: listEnvs().map((e) => ({ id: e.id, summary: e.summary ?? '' })), solvers, presets });
}

scope.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'init') {
    void init(m.wasmBase, m.canvas);
    return;
  }
  if (!ready) {
    post({ type: 'error', message: `worker: "${m.type}" before the backend was ready` });
    return;
  }
  try {
    switch (m.type) {
      case 'configure':
        running = false;
        configure(m.settings);
        post({ type: 'state', running });
        break;
      case 'run':
        if (!session) throw new Error('run: configure an env first');
        running = true;
        post({ type: 'state', running });
        void loop(m.fast);
        break;
      case 'pause':
        running = false;
        post({ type: 'state', running });
        break;
      case 'step':
        if (!session) throw new Error('step: configure an env first');
        running = false;
        stepOnce(session);
        post({ type: 'state', running });
        break;
      case 'reset':
        if (!session) throw new Error('reset: configure an env first');
        configure({ ...session.settings, seed: m.seed });
        break;
      case 'push': {
        if (!session) throw new Error('push: configure an env first');
        if (!session.adapter) throw new Error(`push: ${session.settings.env} offers no push`);
        const before = Array.from(session.obs);
        session.obs = session.adapter.push(session.env, m.strength);
        draw(session, undefined);
        post({ type: 'pushed', strength: m.strength, before, after: Array.from(session.obs) });
        break;
      }
      case 'grab': {
        if (!session) throw new Error('grab: configure an env first');
        const env = session.env;
        if (!session.info.draggable || !isDraggable(env) || !canvas) {
          post({ type: 'grab-missed', message: session.info.dragNote });
          break;
        }
        const [x, y] = env.frameView(canvas.width, canvas.height).world(m.x, m.y);
        try {
          const g = env.grab({ x, y });
          grabMoves = 0;
          post({ type: 'grabbed', body: g.body, atStep: session.t, obs: Array.from(session.obs) });
        } catch (e) {
          post({ type: 'grab-missed', message: errorText(e) });
        }
        if (!running) draw(session, plan);
        break;
      }
      case 'drag': {
        if (!session || !isDraggable(session.env) || !session.env.grabbed() || !canvas) break;
        const [x, y] = session.env.frameView(canvas.width, canvas.height).world(m.x, m.y);
        session.env.moveGrab({ x, y });
        grabMoves += 1;
        if (!running) draw(session, plan);
        break;
      }
      case 'release': {
        if (!session || !isDraggable(session.env) || !session.env.release()) break;
        if (!running) draw(session, plan);
        post({ type: 'released', atStep: session.t, obs: Array.from(session.obs), moves: grabMoves });
        break;
      }
      case 'bench':
        bench(m.plans, m.warmup);
        break;
      case 'train':
        train(m.settings);
        break;
    }
  } catch (e) {
    post({ type: 'error', message: `${m.type}: ${errorText(e)}` });
  }
};
