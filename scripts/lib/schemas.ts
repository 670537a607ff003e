// zod schemas of the command configurations (strict: unknown keys are rejected with their path).
import { z } from 'zod';

const physics = z.enum(['matter', 'analytic']);
const solverName = z.string().min(1);
const posInt = z.number().int().positive();

export const controlSchema = z
  .object({
    env: z.string().default('Pendulum-v1'),
    physics: physics.default('matter'),
    controller: z.enum(['mpc', 'lqr', 'random']).default('mpc'),
    solver: solverName.default('dcem'),
    solverConfig: z.record(z.string(), z.unknown()).default({}),
    horizon: posInt.default(20),
    samples: posInt.default(500),
    iterations: posInt.default(5),
    episodes: posInt.default(1),
    maxEpisodeSteps: posInt.optional(),
    seed: z.number().int().nonnegative().default(0),
    gif: z.boolean().default(true),
    backend: z.string().optional(),
  })
  .strict();
export type ControlConfig = z.infer<typeof controlSchema>;

export const dynamicsSchema = z
  .object({
    env: z.string().default('Pendulum-v1'),
    physics: physics.default('matter'),
    episodes: posInt.max(1000).default(10),
    randomEpisodes: z.number().int().nonnegative().default(1),
    episodeSteps: posInt.default(200),
    solver: solverName.default('novas'),
    solverConfig: z.record(z.string(), z.unknown()).default({}),
    horizon: posInt.default(20),
    samples: posInt.default(300),
    iterations: posInt.default(5),
    hidden: z.array(posInt).min(1).default([64, 64]),
    ensemble: posInt.default(1),
    epochs: posInt.default(30),
    minSteps: z.number().int().nonnegative().default(2000),
    batchSize: posInt.default(64),
    learningRate: z.number().positive().default(1e-3),
    seed: z.number().int().nonnegative().default(0),
    evalEpisodes: z.number().int().nonnegative().default(10),
    backend: z.string().optional(),
  })
  .strict()
  .refine((c) => c.randomEpisodes < c.episodes, { message: 'randomEpisodes must be smaller than episodes', path: ['randomEpisodes'] });
export type DynamicsConfig = z.infer<typeof dynamicsSchema>;

export const imitationSchema = z
  .object({
    env: z.literal('Pendulum-v1').default('Pendulum-v1'),
    solver: solverName.default('dcem'),
    solverConfig: z.record(z.string(), z.unknown()).default({}),
    horizon: posInt.default(10),
    samples: posInt.default(100),
    iterations: posInt.default(3),
    states: posInt.default(32),
    steps: posInt.default(150),
    learningRate: z.number().positive().default(0.02),
    initMass: z.number().positive().default(1.3),
    initLength: z.number().positive().default(0.8),
    seed: z.number().int().nonnegative().default(0),
    backend: z.string().optional(),
  })
  .strict();
export type ImitationConfig = z.infer<typeof imitationSchema>;
