// Public entry of the linear-algebra layer: Float64 cores and the differentiable tfjs ops built on them.
export { choleskyFactor, choleskySolveFactored, type CholeskyResult } from './cholesky.ts';
export { luFactor, luSolveFactored, type LUResult } from './lu.ts';
export { triangularSolve as triangularSolveF64, triSolveInPlace } from './triangular.ts';
export { LinalgError, throwOnFailure } from './errors.ts';
export { cholesky, choleskySolve, luSolve, triangularSolve } from './ops.ts';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.ts';
export { pca, pcaInverse, type Pca } from './pca.ts';
export { denseKernels, denseKernelsAvailable, setDenseKernels, type DenseKernels } from './dense-kernels.ts';
