// The piece of `diffmpc energy --protocol dcem|novas` (scripts/energy-protocol.ts), registered as the job
// runner `energy-protocol-seed`: (EnergyProtocolSeedConfig, seed) → EnergyProtocolResult, one method trained
// with one seed under one paper's protocol (src/train/energy-protocol.ts). With `rowsPath` (executors on this
// machine) every evaluation row is appended to that JSONL file as it is computed; the result carries the rows
// as well, so a remote worker's run loses nothing either.
import { z } from 'zod';
import { registerJobRunner, type Json } from '../../src/exec/job.ts';
import { METHOD_NAMES, PROTOCOL_NAMES, trainEnergyProtocol } from '../../src/train/energy-protocol.ts';
import { parseJobConfig } from './job-config.ts';

export const energyProtocolSeedConfig = z
  .object({
    protocol: z.enum(PROTOCOL_NAMES),
    method: z.enum(METHOD_NAMES),
    updates: z.number().int().positive().optional(),
    maxSeconds: z.number().positive().optional(),
    rowsPath: z.string().optional(),
    threads: z.number().int().min(1).max(64).optional(),
  })
  .strict();

export type EnergyProtocolSeedConfig = z.infer<typeof energyProtocolSeedConfig>;

export async function runEnergyProtocolSeed(config: Json, seed: number): Promise<Json> {
  const { updates, ...c } = parseJobConfig(energyProtocolSeedConfig, config, 'energy-protocol-seed');
  const result = await trainEnergyProtocol({ ...c, ...(updates ? { overrides: { updates } } : {}) }, seed);
  return result as unknown as Json;
}

registerJobRunner('energy-protocol-seed', runEnergyProtocolSeed, { replace: true });
