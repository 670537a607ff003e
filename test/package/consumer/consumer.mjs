// The consumer check, run by `node` from a project that installed the packed tarball: import the package by
// name, register a user env with two action dimensions, run 20 MPC steps with each built-in planner, and
// write a PNG of the distances to the goal. Exits non-zero with a message when anything is off.
import fs from 'node:fs';
import { MPC, currentBackend, make, listEnvs } from 'diffmpc';
import { plotTraces, savePng } from 'diffmpc/plot';
import './point-mass.mjs';

const out = process.argv[2] ?? 'consumer-out';
if (!listEnvs().some((s) => s.id === 'PointMass2D-v0')) throw new Error('the user env did not register');
const series = [];
for (const solver of ['dcem', 'novas', 'gd', 'qp']) {
  const env = make('PointMass2D-v0');
  const { dynamics, cost } = env.model();
  const mpc = new MPC({ model: dynamics, cost, horizon: 15, solver, bounds: [-1, 1], samples: 200, iterations: 5, ...(solver === 'gd' ? { solverConfig: { lr: 0.5 } } : {}) });
  let { obs } = env.reset({ seed: 3 });
  const d0 = Math.hypot(obs[0], obs[1]);
  const dist = [d0];
  for (let t = 0; t < 20; t++) {
    const a = mpc.act(obs);
    if (a.length !== 2 || !a.every(Number.isFinite)) throw new Error(`${solver}: act returned ${Array.from(a)}`);
    ({ obs } = env.step(a));
    dist.push(Math.hypot(obs[0], obs[1]));
  }
  const d = dist.at(-1);
  console.log(`${solver}: distance to the goal ${d0.toFixed(3)} -> ${d.toFixed(3)} in 20 steps (status ${mpc.lastInfo.status[0]})`);
  if (!(d < 0.5 * d0)) throw new Error(`${solver}: MPC did not bring the point mass closer to the goal (${d0} -> ${d})`);
  series.push({ label: solver, values: dist });
}
fs.mkdirSync(out, { recursive: true });
savePng(`${out}/distance.png`, plotTraces({ title: 'PointMass2D-v0: distance to the goal', series, dt: 0.1, yLabel: 'distance [m]' }));
console.log(`backend ${currentBackend().name}; wrote ${out}/distance.png`);
