// The playground page: controls, the env canvas (drawn by the worker, scripts/web/worker.ts, through an
// OffscreenCanvas) and live chart.js charts built by the same chart configurations as the Node PNGs
// (src/plot: tracesChart, costPerStepChart, solverTraceChart, learningCurveChart), drawn on browser canvases.
// `window.playground` exposes the page's state (backend, last step, pushes, benchmark, training) to the
// browser tests (test/web/) and the `diffmpc bench web` suite.
import { Chart, registerables, type ChartConfiguration } from 'chart.js';
import { costPerStepChart } from '../../src/plot/cost-per-step.ts';
import { learningCurveChart } from '../../src/plot/learning-curve.ts';
import { solverTraceChart } from '../../src/plot/solver-trace.ts';
import { tracesChart } from '../../src/plot/traces.ts';
import type { FromWorker, PlannerSettings, PlaygroundState, StepRecord, ToWorker, TrainSettings } from './protocol.ts';

/** Steps kept in the live charts. */
const WINDOW = 200;
/** Minimum time between chart redraws (ms). */
const CHART_EVERY_MS = 200;
/** Steps kept in `window.playground.log`. */
const LOG_MAX = 5000;
/** Above this many state/action panels the traces chart names them in a legend, not on the axes. */
const MAX_TITLED_PANELS = 5;


const state: PlaygroundState = {
  ready: false,
  backend: undefined,
  flavour: undefined,
  errors: [],
  envs: [],
  solvers: [],
  env: undefined,
  settings: undefined,
  running: false,
  steps: 0,
  last: undefined,
  log: [],
  pushes: [],
  drags: [],
  terminatedAt: undefined,
  grabMisses: [],
  bench: undefined,
  train: { running: false, losses: [], mass: [], length: [], done: false },
  draws: {},
};
(window as unknown as { playground: PlaygroundState }).playground = state;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: element #${id} is missing from index.html`);
  return el as T;
};
const num = (id: string): number => Number($<HTMLInputElement>(id).value);

function showError(msg: string): void {
  state.errors.push(msg);
  $('errors').textContent = state.errors.slice(-3).join('\n');
}

// ---- charts ---------------------------------------------------------------------------------------------
Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.responsive = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.size = 11;

const charts = new Map<string, Chart>();

/** Draws `config` on canvas `id`, reusing the chart (data and options replaced, no animation). */
function show(id: string, config: ChartConfiguration): void {
  const c = charts.get(id);
  if (!c) charts.set(id, new Chart($<HTMLCanvasElement>(id), config));
  else {
    c.data = config.data;
    c.options = config.options ?? {};
    c.update('none');
  }
  state.draws[id] = (state.draws[id] ?? 0) + 1;
}

function message(id: string, text: string): void {
  charts.get(id)?.destroy();
  charts.delete(id);
  const cv = $<HTMLCanvasElement>(id);
  const ctx = cv.getContext('2d')!;
  ctx.clearRect(0, 0, cv.width, cv.height);
  ctx.fillStyle = '#666';
  ctx.font = '13px sans-serif';
  ctx.fillText(text, 14, cv.height / 2);
}

let history: StepRecord[] = [];
let chartTimer: number | undefined;

function scheduleCharts(): void {
  if (chartTimer !== undefined) return;
  chartTimer = window.setTimeout(() => {
    chartTimer = undefined;
    drawMpcCharts();
  }, CHART_EVERY_MS);
}

function drawMpcCharts(): void {
  const env = state.env;
  if (!env || history.length === 0) return;
  const dt = env.dt ?? 1;
  const xLabel = env.dt !== undefined ? 'time (s)' : 'step';
  const t = history.map((r) => r.t * dt);
  const obsSeries = env.obsLabels.map((label, i) => ({ label, values: history.map((r) => r.obs[i]!) }));
  const actSeries = env.actLabels.map((label, i) => ({ label, values: history.map((r) => r.action[i]!) }));
  const targets = env.obsTargets.flatMap((v, i) => (v === undefined ? [] : [{ label: `target ${env.obsLabels[i]}`, value: v, series: i, color: '#999999' }]));
  const all = [...obsSeries, ...actSeries];
  const traces = tracesChart({ series: all, t, panels: true, targets, title: `${env.id}: state and action`, xLabel });
  const options = traces.options as { plugins: Record<string, unknown>; scales: Record<string, { title?: { display?: boolean }; ticks?: Record<string, unknown> }> };
  if (all.length > MAX_TITLED_PANELS) {
    // too many panels for an axis title each: name them in the legend instead
    for (const [k, sc] of Object.entries(options.scales)) if (k !== 'x') Object.assign(sc, { title: { ...sc.title, display: false }, ticks: { ...sc.ticks, maxTicksLimit: 3 } });
    options.plugins.legend = { display: true, position: 'top', labels: { boxWidth: 12, filter: (item: { text: string }) => !item.text.startsWith('target') } };
  } else options.plugins.legend = { display: false };
  show('chart-traces', traces);
  show('chart-cost', costPerStepChart({ costs: [{ label: env.signal === 'cost' ? 'stage cost' : 'reward', values: history.map((r) => r.signal) }], dt, title: env.signal === 'cost' ? 'Cost per step' : 'Reward per step', yLabel: env.signal }));
  const trace = history[history.length - 1]!.trace;
  if (trace && trace.mean.length > 0) {
    show('chart-trace', solverTraceChart({ traces: [{ label: state.settings?.solver ?? 'solver', trace }], title: `${state.settings?.solver} iterations of the last plan: objective mean ± σ over samples` }));
  } else {
    message('chart-trace', `${state.settings?.solver ?? 'this solver'} records no per-iteration sample statistics`);
  }
}

// ---- the MPC worker -------------------------------------------------------------------------------------
const wasmBase = new URL('./', location.href).href;
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(m, transfer);
worker.onerror = (e) => showError(`worker: ${e.message}`);

let presets: Extract<FromWorker, { type: 'envs' }>['presets'] = {};
const params = new URLSearchParams(location.search);

function fillSettings(): void {
  const env = $<HTMLSelectElement>('env').value;
  const solver = $<HTMLSelectElement>('solver').value;
  const p = presets[env]?.[solver];
  if (!p) return;
  $<HTMLInputElement>('horizon').value = String(p.horizon);
  $<HTMLInputElement>('samples').value = String(p.samples);
  $<HTMLInputElement>('iterations').value = String(p.iterations);
  const temp = $<HTMLInputElement>('temperature');
  temp.disabled = p.temperature === undefined;
  temp.value = p.temperature === undefined ? '' : String(p.temperature);
}

function readSettings(): PlannerSettings {
  const s: PlannerSettings = {
    env: $<HTMLSelectElement>('env').value,
    solver: $<HTMLSelectElement>('solver').value,
    horizon: num('horizon'),
    samples: num('samples'),
    iterations: num('iterations'),
    seed: num('seed'),
  };
  for (const k of ['horizon', 'samples', 'iterations', 'seed'] as const) {
    if (!Number.isInteger(s[k]) || s[k] < (k === 'seed' ? 0 : 1)) throw new Error(`${k} must be a ${k === 'seed' ? 'non-negative' : 'positive'} integer (got ${$<HTMLInputElement>(k).value || 'nothing'})`);
  }
  const temp = $<HTMLInputElement>('temperature');
  if (!temp.disabled) {
    const t = Number(temp.value);
    if (!(Number.isFinite(t) && t > 0)) throw new Error(`temperature must be a positive number (got ${temp.value || 'nothing'})`);
    s.temperature = t;
  }
  return s;
}

function configure(autorun: boolean): void {
  let s: PlannerSettings;
  try {
    s = readSettings();
  } catch (e) {
    showError((e as Error).message);
    return;
  }
  pendingRun = autorun;
  send({ type: 'configure', settings: s });
}

let pendingRun = false;
const fast = (): boolean => $<HTMLInputElement>('fast').checked;

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case 'ready':
      state.ready = true;
      state.backend = m.backend;
      state.flavour = m.flavour;
      $('backend').textContent = `${m.backend} (${m.flavour})`;
      break;
    case 'fatal':
      $('backend').textContent = 'none';
      showError(m.message);
      break;
    case 'error':
      showError(m.message);
      break;
    case 'envs': {
      state.envs = m.envs.map((e) => e.id);
      state.solvers = m.solvers;
      presets = m.presets;
      const envSel = $<HTMLSelectElement>('env');
      envSel.innerHTML = m.envs.map((e) => `<option value="${e.id}" title="${e.summary}">${e.id}</option>`).join('');
      $<HTMLSelectElement>('solver').innerHTML = m.solvers.map((s) => `<option>${s}</option>`).join('');
      envSel.value = params.get('env') ?? 'Pendulum-v1';
      $<HTMLSelectElement>('solver').value = params.get('solver') ?? 'dcem';
      if (params.get('fast') === '1') $<HTMLInputElement>('fast').checked = true;
      fillSettings();
      configure(params.get('autorun') !== '0');
      break;
    }
    case 'configured':
      state.env = m.env;
      state.settings = m.settings;
      state.steps = 0;
      state.last = undefined;
      state.log = [];
      state.pushes = [];
      state.drags = [];
      state.terminatedAt = undefined;
      state.grabMisses = [];
      $('drag-status').textContent = '';
      history = [];
      dragMode = undefined;
      $('drag-hint').textContent = m.env.dragNote;
      dragLayer.style.cursor = m.env.draggable ? 'grab' : m.env.pushable ? 'ew-resize' : 'default';
      stage(m.env.frame);
      for (const id of ['chart-traces', 'chart-cost', 'chart-trace']) message(id, 'waiting for the first step…');
      if (pendingRun) send({ type: 'run', fast: fast() });
      pendingRun = false;
      break;
    case 'step':
      state.steps += 1;
      state.last = m.record;
      history.push(m.record);
      if (state.log.length < LOG_MAX) state.log.push({ t: m.record.t, obs: m.record.obs, action: m.record.action });
      if (history.length > WINDOW) history = history.slice(-WINDOW);
      $('ms').textContent = `${m.record.msPerPlan.toFixed(1)} ms`;
      metrics();
      scheduleCharts();
      break;
    case 'pushed':
      state.pushes.push({ strength: m.strength, before: m.before, after: m.after, atStep: state.steps });
      break;
    case 'grabbed':
      state.drags.push({ body: m.body, grabbedAt: m.atStep });
      $('drag-status').textContent = `holding the ${m.body}`;
      break;
    case 'terminated':
      state.terminatedAt = m.atStep;
      $('drag-status').textContent = `${state.env?.id ?? 'the env'} terminated at step ${m.atStep}: press R (or apply & reset) for a new episode`;
      break;
    case 'grab-missed':
      state.grabMisses.push(m.message);
      $('drag-status').textContent = m.message;
      break;
    case 'released': {
      const d = state.drags.at(-1);
      if (d && d.releasedAt === undefined) Object.assign(d, { releasedAt: m.atStep, moves: m.moves });
      if (state.terminatedAt === undefined) $('drag-status').textContent = '';
      break;
    }
    case 'state':
      state.running = m.running;
      $('run').textContent = m.running ? 'pause' : 'run';
      break;
    case 'bench':
      state.bench = m;
      $('bench-out').innerHTML = `benchmark <b>${m.plansPerSec.toFixed(1)} plans/s</b>`;
      $('bench-out').title = `${m.settings.env} ${m.settings.solver} H ${m.settings.horizon} N ${m.settings.samples}, ${m.settings.iterations} iterations: ${m.plans} plans, median ${m.msMedian.toFixed(1)} ms`;
      break;
    default:
      break;
  }
};

function metrics(): void {
  const r = state.last;
  const env = state.env;
  if (!r || !env) return;
  const obs = r.obs.map((v, i) => `${env.obsLabels[i]!.padEnd(12)} ${v.toFixed(3)}`).join('\n');
  const act = r.action.map((v, i) => `${env.actLabels[i]!.slice(0, 12).padEnd(12)} ${v.toFixed(3)}`).join('\n');
  $('metrics').textContent = `${env.dt !== undefined ? `t ${(r.t * env.dt).toFixed(2)} s  ` : ''}step ${r.t}\n${obs}\n${act}\n${env.signal.padEnd(12)} ${r.signal.toFixed(3)}`;
}

// ---- the scene: worker-drawn canvas, drag layer on top -----------------------------------------------------
const scene = $<HTMLCanvasElement>('scene');
const dragLayer = $<HTMLCanvasElement>('drag-layer');
const SCENE_WIDTH = 380;

function stage(frame: { width: number; height: number }): void {
  const h = Math.round((SCENE_WIDTH * frame.height) / frame.width);
  for (const c of [scene, dragLayer]) {
    c.style.width = `${SCENE_WIDTH}px`;
    c.style.height = `${h}px`;
  }
  dragLayer.width = SCENE_WIDTH;
  dragLayer.height = h;
}

function push(strength: number): void {
  if (state.env && !state.env.pushable) {
    showError(`push: ${state.env.id} offers no push`);
    return;
  }
  send({ type: 'push', strength });
}

/**
 * A pointer drag on the scene. On an env with a matter-js world (EnvInfo.draggable) it holds the body: the
 * pointer's frame pixels go to the worker (grab → drag → release) and the worker's env pulls the body there
 * while it steps. Elsewhere a drag across the scene is a push on release (60 px = a unit push, capped at 3).
 */
let dragMode: { kind: 'hold' } | { kind: 'push'; from: { x: number; y: number } } | undefined;

/** The frame pixel (the worker's canvas) under a pointer event on the drag layer. */
function framePoint(e: PointerEvent): { x: number; y: number } {
  const f = state.env!.frame;
  return { x: (e.offsetX * f.width) / dragLayer.clientWidth, y: (e.offsetY * f.height) / dragLayer.clientHeight };
}

dragLayer.addEventListener('pointerdown', (e) => {
  if (!state.env) return;
  dragLayer.setPointerCapture(e.pointerId);
  if (state.env.draggable) {
    dragMode = { kind: 'hold' };
    dragLayer.style.cursor = 'grabbing';
    send({ type: 'grab', ...framePoint(e) });
  } else dragMode = { kind: 'push', from: { x: e.offsetX, y: e.offsetY } };
});
dragLayer.addEventListener('pointermove', (e) => {
  if (!dragMode) return;
  if (dragMode.kind === 'hold') {
    send({ type: 'drag', ...framePoint(e) });
    return;
  }
  const g = dragLayer.getContext('2d')!;
  g.clearRect(0, 0, dragLayer.width, dragLayer.height);
  g.strokeStyle = '#D55E00';
  g.lineWidth = 3;
  g.beginPath();
  g.moveTo(dragMode.from.x, dragMode.from.y);
  g.lineTo(e.offsetX, e.offsetY);
  g.stroke();
});
function endDrag(e: PointerEvent): void {
  const mode = dragMode;
  dragMode = undefined;
  if (!mode) return;
  if (mode.kind === 'hold') {
    dragLayer.style.cursor = 'grab';
    send({ type: 'release' });
    return;
  }
  dragLayer.getContext('2d')!.clearRect(0, 0, dragLayer.width, dragLayer.height);
  const dx = e.offsetX - mode.from.x;
  if (e.type === 'pointerup' && Math.abs(dx) > 5) push(Math.max(-3, Math.min(3, dx / 60)));
}
dragLayer.addEventListener('pointerup', endDrag);
dragLayer.addEventListener('pointercancel', endDrag);

window.addEventListener('keydown', (e) => {
  if ((e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT') return;
  if (e.key === 'ArrowLeft') push(-1.5);
  else if (e.key === 'ArrowRight') push(1.5);
  else if (e.key === ' ') send(state.running ? { type: 'pause' } : { type: 'run', fast: fast() });
  else if (e.key === 's' || e.key === 'S') send({ type: 'step' });
  else if (e.key === 'r' || e.key === 'R') configure(state.running);
  else return;
  e.preventDefault();
});

$('env').addEventListener('change', () => {
  fillSettings();
  configure(true);
});
$('solver').addEventListener('change', () => {
  fillSettings();
  configure(true);
});
$('apply').addEventListener('click', () => configure(true));
$('run').addEventListener('click', () => send(state.running ? { type: 'pause' } : { type: 'run', fast: fast() }));
$('fast').addEventListener('change', () => state.running && send({ type: 'run', fast: fast() }));
$('step').addEventListener('click', () => send({ type: 'step' }));
$('push-left').addEventListener('click', () => push(-1.5));
$('push-right').addEventListener('click', () => push(1.5));
/** Measures plans/s of pendulum DCEM H 20, N 500, 5 iterations in the worker (the MPC run pauses). */
function startBench(plans: number): void {
  $('bench-out').textContent = 'benchmark running…';
  state.bench = undefined;
  send({ type: 'pause' });
  send({ type: 'bench', plans, warmup: 10 });
}
$('bench').addEventListener('click', () => startBench(100));
// hooks for `diffmpc bench web`
Object.assign(window, { playgroundBench: startBench, playgroundRun: () => send({ type: 'run', fast: fast() }) });

const offscreen = scene.transferControlToOffscreen();
send({ type: 'init', wasmBase, canvas: offscreen }, [offscreen]);

// ---- the training tab (its own worker, so MPC keeps running) -------------------------------------------
let trainer: Worker | undefined;

function drawTraining(): void {
  const tr = state.train;
  if (tr.losses.length === 0) return;
  show('chart-loss', learningCurveChart({ curves: [{ label: `${$<HTMLSelectElement>('t-solver').value}: imitation loss`, seeds: [tr.losses.map((l) => Math.log10(Math.max(l, 1e-12)))] }], title: 'Imitation loss through the MPC solver', xLabel: 'Adam step', yLabel: 'log10 loss' }));
  show('chart-params', tracesChart({ series: [{ label: 'mass', values: tr.mass }, { label: 'length', values: tr.length }], targets: [{ label: 'expert value 1', value: 1 }], title: 'Pendulum parameters learned through the solver', xLabel: 'Adam step', yLabel: 'value' }));
}

function stopTraining(): void {
  trainer?.terminate();
  trainer = undefined;
  state.train.running = false;
}

function startTraining(): void {
  stopTraining();
  const settings: TrainSettings = {
    solver: $<HTMLSelectElement>('t-solver').value,
    steps: num('t-steps'),
    states: num('t-states'),
    learningRate: num('t-lr'),
    initMass: num('t-mass'),
    initLength: num('t-length'),
    horizon: 10,
    samples: 100,
    iterations: 3,
    seed: num('seed'),
  };
  for (const [k, v] of Object.entries(settings)) {
    if (typeof v === 'number' && !(Number.isFinite(v) && v > 0) && k !== 'seed') {
      showError(`training: ${k} must be a positive number (got ${v})`);
      return;
    }
  }
  state.train = { running: true, losses: [], mass: [settings.initMass], length: [settings.initLength], done: false };
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  trainer = w;
  let timer: number | undefined;
  w.onerror = (e) => showError(`training worker: ${e.message}`);
  w.onmessage = (ev: MessageEvent<FromWorker>) => {
    const m = ev.data;
    if (m.type === 'fatal' || m.type === 'error') {
      showError(`training: ${m.message}`);
      stopTraining();
    } else if (m.type === 'ready') {
      w.postMessage({ type: 'train', settings } satisfies ToWorker);
      $('t-metrics').textContent = `training on ${m.backend}…`;
    } else if (m.type === 'train-step') {
      state.train.losses.push(m.loss);
      state.train.mass.push(m.mass);
      state.train.length.push(m.length);
      $('t-metrics').textContent = `step ${m.i + 1}/${settings.steps}\nloss   ${m.loss.toExponential(3)}\nmass   ${m.mass.toFixed(4)} (expert 1)\nlength ${m.length.toFixed(4)} (expert 1)`;
      timer ??= window.setTimeout(() => {
        timer = undefined;
        drawTraining();
      }, CHART_EVERY_MS);
    } else if (m.type === 'train-done') {
      state.train.done = true;
      state.train.running = false;
      drawTraining();
      w.terminate();
      if (trainer === w) trainer = undefined;
    }
  };
  w.postMessage({ type: 'init', wasmBase } satisfies ToWorker);
}

$('t-start').addEventListener('click', startTraining);
$('t-stop').addEventListener('click', stopTraining);

for (const [tab, section] of [['tab-mpc', 'mpc'], ['tab-train', 'train']] as const) {
  $(tab).addEventListener('click', () => {
    for (const [t, s] of [['tab-mpc', 'mpc'], ['tab-train', 'train']] as const) {
      $(t).classList.toggle('active', t === tab);
      $(s).classList.toggle('active', s === section);
    }
  });
}
