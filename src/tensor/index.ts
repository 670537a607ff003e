// Public entry of the tensor layer: backend choice, seeded RNG, shape checks, memory helpers.
export * from './backend.ts';
export * from './rng.ts';
export * from './check.ts';
export * from './memory.ts';
export * from './custom-op.ts';
export * from './stop-gradient.ts';
export * from './tape.ts';
export * from './registry.ts';
export * from './boolean-grads.ts';
export * from './higher-order-grads.ts';
export * from './softplus-value.ts';
export * from './softplus-kernel.ts';
