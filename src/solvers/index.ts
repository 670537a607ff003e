// Public entry of the solvers: importing it registers every built-in solver (dcem, novas, gd) in the
// registry of ./types.ts, and re-exports the solver functions and the LML layer.
export * from './types.ts';
export * from './lml.ts';
export * from './dcem.ts';
export * from './novas.ts';
export * from './gd.ts';
export * from './non-finite.ts';
