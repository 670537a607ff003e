// ReduceLROnPlateau with PyTorch's semantics (torch.optim.lr_scheduler, mode 'min', threshold_mode 'rel'),
// the schedule of the DCEM and NOVAS regression experiments (patience 20, factor 0.5).
//
//   step(m):  improved ⇔ m < best·(1 − threshold)        (best starts at +∞)
//             improved ⇒ best = m, bad = 0;   else bad += 1
//             bad > patience ⇒ lr ← max(lr·factor, minLr) (only if that lowers lr by more than eps), bad = 0,
//                              and the next `cooldown` steps count no bad epochs
export interface PlateauOptions {
  /** Starting learning rate. */
  lr: number;
  /** Steps without improvement tolerated before the rate is cut (torch default 10). */
  patience?: number;
  /** Multiplier of each cut, in (0, 1) (torch default 0.1). */
  factor?: number;
  /** Relative improvement that counts (torch default 1e-4). */
  threshold?: number;
  cooldown?: number;
  minLr?: number;
  /** Cuts smaller than this are skipped (torch default 1e-8). */
  eps?: number;
}

export interface PlateauState {
  lr: number;
  best: number;
  bad: number;
  cooldownLeft: number;
  cuts: number;
}

export class ReduceLROnPlateau {
  readonly patience: number;
  readonly factor: number;
  readonly threshold: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly eps: number;
  private s: PlateauState;

  constructor(o: PlateauOptions) {
    this.patience = o.patience ?? 10;
    this.factor = o.factor ?? 0.1;
    this.threshold = o.threshold ?? 1e-4;
    this.cooldown = o.cooldown ?? 0;
    this.minLr = o.minLr ?? 0;
    this.eps = o.eps ?? 1e-8;
    if (!(o.lr > 0)) throw new Error(`ReduceLROnPlateau: lr must be a positive number (got ${o.lr})`);
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`ReduceLROnPlateau: patience must be an integer ≥ 0 (got ${this.patience})`);
    if (!(this.factor > 0 && this.factor < 1)) throw new Error(`ReduceLROnPlateau: factor must be in (0, 1) (got ${this.factor})`);
    if (!(this.threshold >= 0)) throw new Error(`ReduceLROnPlateau: threshold must be ≥ 0 (got ${this.threshold})`);
    this.s = { lr: o.lr, best: Infinity, bad: 0, cooldownLeft: 0, cuts: 0 };
  }

  get lr(): number {
    return this.s.lr;
  }

  state(): PlateauState {
    return { ...this.s };
  }

  /** Feeds one value of the monitored metric; returns the learning rate to use from now on. */
  step(metric: number): number {
    if (Number.isNaN(metric)) throw new Error('ReduceLROnPlateau: the monitored metric is NaN');
    const s = this.s;
    if (metric < s.best * (1 - this.threshold)) {
      s.best = metric;
      s.bad = 0;
    } else {
      s.bad += 1;
    }
    if (s.cooldownLeft > 0) {
      s.cooldownLeft -= 1;
      s.bad = 0;
    }
    if (s.bad > this.patience) {
      const next = Math.max(s.lr * this.factor, this.minLr);
      if (s.lr - next > this.eps) {
        s.lr = next;
        s.cuts += 1;
      }
      s.cooldownLeft = this.cooldown;
      s.bad = 0;
    }
    return s.lr;
  }
}
