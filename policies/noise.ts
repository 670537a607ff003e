// Exploration noise for deterministic policies (DDPG): i.i.d. Gaussian and Ornstein–Uhlenbeck processes.
//
// Gaussian:  ε_t ~ N(0, σ² I).
// Ornstein–Uhlenbeck (Uhlenbeck & Ornstein 1930; used by Lillicrap et al. 2016), Euler–Maruyama form:
//   x_{t+1} = x_t + θ (μ − x_t) dt + σ √dt ξ_t,   ξ_t ~ N(0, I)
// a temporally correlated process with lag-1 autocorrelation ρ = 1 − θ dt and stationary variance
//   Var[x] = σ² dt / (1 − ρ²)   (→ σ² / (2θ) as dt → 0).
// Noises are built by name from a registry (`makeNoise('ou', {...})`); all draws come from a seeded `Rng`.
import { defaultRng, type Rng } from '../src/tensor/rng.ts';
import { Registry } from '../src/tensor/registry.ts';

export interface ActionNoise {
  /** Number of action dimensions a sample covers. */
  readonly dim: number;
  /** Next noise vector `[dim]`. */
  sample(): Float32Array;
  /** Restarts the process (call at episode boundaries). */
  reset(): void;
}

export interface NoiseConfig {
  dim: number;
  /** Scale σ (default 0.2). */
  sigma?: number;
  /** OU mean-reversion rate θ (default 0.15). */
  theta?: number;
  /** OU long-run mean μ (default 0). */
  mu?: number;
  /** OU time step dt (default 1). */
  dt?: number;
  rng?: Rng;
}

function checkPositive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${name}: expected a finite number ≥ 0 (got ${v})`);
  return v;
}

function checkDim(dim: number, who: string): number {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`${who}: dim must be a positive integer (got ${dim})`);
  return dim;
}

/** ε ~ N(0, σ² I), independent across calls. */
export class GaussianNoise implements ActionNoise {
  readonly dim: number;
  readonly sigma: number;
  private readonly rng: Rng;
  constructor(cfg: NoiseConfig) {
    this.dim = checkDim(cfg.dim, 'GaussianNoise');
    this.sigma = checkPositive('GaussianNoise.sigma', cfg.sigma ?? 0.2);
    this.rng = cfg.rng ?? defaultRng();
  }
  sample(): Float32Array {
    const z = this.rng.normalArray(this.dim);
    for (let i = 0; i < z.length; i++) z[i]! *= this.sigma;
    return z;
  }
  reset(): void {}
}

/** Ornstein–Uhlenbeck process x_{t+1} = x_t + θ(μ − x_t)dt + σ√dt ξ, started at μ after `reset()`. */
export class OrnsteinUhlenbeckNoise implements ActionNoise {
  readonly dim: number;
  readonly sigma: number;
  readonly theta: number;
  readonly mu: number;
  readonly dt: number;
  private readonly rng: Rng;
  private x: Float64Array;
  constructor(cfg: NoiseConfig) {
    this.dim = checkDim(cfg.dim, 'OrnsteinUhlenbeckNoise');
    this.sigma = checkPositive('OrnsteinUhlenbeckNoise.sigma', cfg.sigma ?? 0.2);
    this.theta = checkPositive('OrnsteinUhlenbeckNoise.theta', cfg.theta ?? 0.15);
    this.mu = cfg.mu ?? 0;
    this.dt = checkPositive('OrnsteinUhlenbeckNoise.dt', cfg.dt ?? 1);
    if (this.theta * this.dt >= 2) {
      throw new Error(`OrnsteinUhlenbeckNoise: θ·dt must be < 2 for a stable process (got θ = ${this.theta}, dt = ${this.dt}); lower theta or dt`);
    }
    this.rng = cfg.rng ?? defaultRng();
    this.x = new Float64Array(this.dim).fill(this.mu);
  }
  /** Lag-1 autocorrelation ρ = 1 − θ dt. */
  get autocorrelation(): number {
    return 1 - this.theta * this.dt;
  }
  /** Stationary variance σ² dt / (1 − ρ²). */
  get stationaryVariance(): number {
    const rho = this.autocorrelation;
    return (this.sigma * this.sigma * this.dt) / (1 - rho * rho);
  }
  sample(): Float32Array {
    const out = new Float32Array(this.dim);
    const s = this.sigma * Math.sqrt(this.dt);
    for (let i = 0; i < this.dim; i++) {
      const xi = this.x[i]!;
      this.x[i] = xi + this.theta * (this.mu - xi) * this.dt + s * this.rng.normal();
      out[i] = this.x[i]!;
    }
    return out;
  }
  reset(): void {
    this.x = new Float64Array(this.dim).fill(this.mu);
  }
}

/** Action-noise processes by name. */
export const noiseRegistry = new Registry<(cfg: NoiseConfig) => ActionNoise>({ kind: 'noise' });
noiseRegistry.register('gaussian', (cfg) => new GaussianNoise(cfg));
noiseRegistry.register('ou', (cfg) => new OrnsteinUhlenbeckNoise(cfg));

/** Registers a noise process under a name. */
export function registerNoise(name: string, factory: (cfg: NoiseConfig) => ActionNoise): void {
  noiseRegistry.register(name, factory);
}

/** Builds a noise process by name ('gaussian' | 'ou' | registered). */
export function makeNoise(name: string, cfg: NoiseConfig): ActionNoise {
  return noiseRegistry.get(name, 'makeNoise')(cfg);
}
