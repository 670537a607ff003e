// zod schemas of the command configurations (strict: unknown keys are rejected with their path). Every number
// has a range: beyond it a run would not finish in sensible time or memory (a plan of B·N·H·nu candidates is
// bounded further by checkPlanSize), and the help prints these ranges.
import { z } from 'zod';
import { BACKEND_NAMES } from '../../src/tensor/backend.ts';

const physics = z.enum(['matter', 'analytic']);
const solverName = z.string().min(1);
const posInt = z.number().int().positive();
const count = (max: number) => z.number().int().nonnegative().max(max);
/** Planner sizes shared by every command that plans. */
const horizon = posInt.max(500);
const samples = posInt.max(100_000);
const iterations = posInt.max(1000);
const seed = z.number().int().nonnegative().max(2 ** 31 - 1);
const rate = z.number().positive().max(10);
const backend = z.enum(BACKEND_NAMES);

export const controlSchema = z
  .object({
    env: z.string().default('Pendulum-v1'),
    physics: physics.default('matter'),
    controller: z.enum(['mpc', 'lqr', 'random']).default('mpc'),
    solver: solverName.default('dcem'),
    solverConfig: z.record(z.string(), z.unknown()).default({}),
    horizon: horizon.default(20),
    samples: samples.default(500),
    iterations: iterations.default(5),
    episodes: posInt.max(10_000).default(1),
    maxEpisodeSteps: posInt.max(100_000).optional(),
    seed: seed.default(0),
    gif: z.boolean().default(true),
    backend: backend.optional(),
  })
  .strict();
export type ControlConfig = z.infer<typeof controlSchema>;

export const dynamicsSchema = z
  .object({
    env: z.string().default('Pendulum-v1'),
    physics: physics.default('matter'),
    episodes: posInt.max(1000).default(10),
    randomEpisodes: count(1000).default(1),
    episodeSteps: posInt.max(100_000).default(200),
    solver: solverName.default('novas'),
    solverConfig: z.record(z.string(), z.unknown()).default({}),
    horizon: horizon.default(20),
    samples: samples.default(300),
    iterations: iterations.default(5),
    hidden: z.array(posInt.max(4096)).min(1).max(16).default([64, 64]),
    ensemble: posInt.max(64).default(1),
    epochs: posInt.max(10_000).default(30),
    minSteps: count(10_000_000).default(2000),
    batchSize: posInt.max(65_536).default(64),
    learningRate: rate.default(1e-3),
    seed: seed.default(0),
    evalEpisodes: count(1000).default(10),
    backend: backend.optional(),
  })
  .strict()
  .refine((c) => c.randomEpisodes < c.episodes, { message: 'randomEpisodes must be smaller than episodes (--random-episodes < --episodes)', path: ['randomEpisodes'] });
export type DynamicsConfig = z.infer<typeof dynamicsSchema>;

export const imitationSchema = z
  .object({
    env: z.literal('Pendulum-v1').default('Pendulum-v1'),
    solver: solverName.default('dcem'),
    solverConfig: z.record(z.string(), z.unknown()).default({}),
    horizon: horizon.default(10),
    samples: samples.default(100),
    iterations: iterations.default(3),
    states: posInt.max(4096).default(32),
    steps: posInt.max(100_000).default(150),
    learningRate: rate.default(0.02),
    initMass: z.number().positive().max(100).default(1.3),
    initLength: z.number().positive().max(100).default(0.8),
    seed: seed.default(0),
    backend: backend.optional(),
  })
  .strict();
export type ImitationConfig = z.infer<typeof imitationSchema>;
