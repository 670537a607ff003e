// diffmpc/solvers — the Solver interface and registry, LML, DCEM, NOVAS, unrolled GD/Adam (registered on
// import) and the OptNet QP layer.
export * from '../../src/solvers/index.ts';
export * from '../../src/solvers/qp/index.ts';
