// Loads every command module so each registers itself. Add one import line per new command.
import './bench.ts';
import './smoke.ts';
import './energy.ts';
import './verify-reference.ts';
import './envs.ts';
import './run.ts';
import './train-dynamics.ts';
import './train-imitation.ts';
import './demo.ts';
import './plot.ts';
import './sweep.ts';
import './serve.ts';
import './optnet-sudoku.ts';
import './optnet-denoise.ts';
import './l2o-mlp.ts';
import './dcem-latent.ts';
import './worker.ts';
