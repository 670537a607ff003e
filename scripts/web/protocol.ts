// Messages between the playground page (scripts/web/main.ts) and its Web Worker (scripts/web/worker.ts). The
// worker owns the env, the MPC and the page's env canvas (an OffscreenCanvas); the page owns the controls and
// the charts, drawn from the per-step records below.
import type { SolverTrace } from '../../src/solvers/types.ts';

/** Planner settings chosen in the page; `temperature` is DCEM's τ or NOVAS's κ (unused by gd and qp). */
export interface PlannerSettings {
  env: string;
  solver: string;
  horizon: number;
  samples: number;
  iterations: number;
  temperature?: number;
  seed: number;
}

export interface TrainSettings {
  solver: string;
  steps: number;
  states: number;
  horizon: number;
  samples: number;
  iterations: number;
  learningRate: number;
  initMass: number;
  initLength: number;
  seed: number;
}

export type ToWorker =
  | { type: 'init'; wasmBase: string; canvas?: OffscreenCanvas }
  | { type: 'configure'; settings: PlannerSettings }
  | { type: 'run'; fast: boolean }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset'; seed: number }
  /** A disturbance of signed strength (≈ −3…3): a velocity kick, see scripts/web/env-adapters.ts. */
  | { type: 'push'; strength: number }
  /** Pointer drag in the env frame's pixels (frame.width × frame.height): grab the body there, move, let go. */
  | { type: 'grab'; x: number; y: number }
  | { type: 'drag'; x: number; y: number }
  | { type: 'release' }
  | { type: 'bench'; plans: number; warmup: number }
  | { type: 'train'; settings: TrainSettings };

export interface EnvInfo {
  id: string;
  /** Seconds per step; undefined when the env states none (charts then count steps). */
  dt?: number;
  obsLabels: string[];
  obsTargets: Array<number | undefined>;
  actLabels: string[];
  /** 'cost' (c = −r) or 'reward': what the per-step chart shows. */
  signal: 'cost' | 'reward';
  frame: { width: number; height: number };
  pushable: boolean;
  /** Whether a pointer drag holds a body (a matter-js constraint, envs/pointer.ts); else a drag pushes. */
  draggable: boolean;
  /** What a drag does on this env, for the page's hint. */
  dragNote: string;
}

export interface StepRecord {
  t: number;
  obs: number[];
  action: number[];
  /** Stage cost (or reward, per EnvInfo.signal) of this step. */
  signal: number;
  msPerPlan: number;
  /** Plan ghosts drawn over the env this step (0 when the env's state cannot be set from the plan). */
  ghosts: number;
  trace?: SolverTrace;
}

export type FromWorker =
  | { type: 'ready'; backend: string; flavour: string }
  | { type: 'fatal'; message: string }
  | { type: 'error'; message: string }
  | { type: 'envs'; envs: Array<{ id: string; summary: string }>; solvers: string[]; presets: Record<string, Record<string, { horizon: number; samples: number; iterations: number; temperature?: number }>> }
  | { type: 'configured'; env: EnvInfo; settings: PlannerSettings; obs: number[] }
  | { type: 'step'; record: StepRecord }
  | { type: 'pushed'; strength: number; before: number[]; after: number[] }
  /** `atStep`: the env step count when the hand took hold / let go (log entries with t > atStep follow it). */
  | { type: 'grabbed'; body: string; atStep: number; obs: number[] }
  | { type: 'grab-missed'; message: string }
  /** `moves`: pointer moves applied to this grab. */
  | { type: 'released'; atStep: number; obs: number[]; moves: number }
  | { type: 'state'; running: boolean }
  /** The env's episode ended (e.g. CartPole-v1 past 12°); the run stops until a reset. */
  | { type: 'terminated'; atStep: number }
  | { type: 'bench'; plans: number; seconds: number; plansPerSec: number; msMedian: number; settings: PlannerSettings }
  | { type: 'train-step'; i: number; loss: number; mass: number; length: number }
  | { type: 'train-done'; losses: number[]; mass: number; length: number };

/** The page's state as `window.playground` (read by the browser tests and `diffmpc bench web`). */
export interface PlaygroundState {
  ready: boolean;
  backend: string | undefined;
  flavour: string | undefined;
  errors: string[];
  envs: string[];
  solvers: string[];
  env: EnvInfo | undefined;
  settings: PlannerSettings | undefined;
  running: boolean;
  steps: number;
  last: StepRecord | undefined;
  /** Every step since the last configure (t, obs, action), capped at LOG_MAX (5000) entries. */
  log: Array<{ t: number; obs: number[]; action: number[] }>;
  pushes: Array<{ strength: number; before: number[]; after: number[]; atStep: number }>;
  /** Pointer drags since the last configure: the body held, the steps it was grabbed and released at, the moves applied. */
  drags: Array<{ body: string; grabbedAt: number; releasedAt?: number; moves?: number }>;
  /** The step at which the episode terminated, if it did (a reset clears it). */
  terminatedAt: number | undefined;
  /** Grabs that found no body (the worker's message). */
  grabMisses: string[];
  bench: Extract<FromWorker, { type: 'bench' }> | undefined;
  train: { running: boolean; losses: number[]; mass: number[]; length: number[]; done: boolean };
  /** Chart redraws so far, per chart id. */
  draws: Record<string, number>;
}
