// Angles of the envs whose definitions carry an angle as (cos θ, sin θ) (Pendulum-v1, CartPoleSwingUp-v0):
// the env keeps the unwrapped θ for getState() and the matter-js world, recovered from the definition's next
// (cos θ', sin θ') as θ' = θ + normalize(atan2(sin θ', cos θ') − θ), exact while one step turns less than π.

/** angle_normalize(θ) = ((θ + π) mod 2π) − π ∈ [−π, π) (Gymnasium's). */
export function angleNormalize(x: number): number {
  return ((((x + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;
}

/** The angle of (c, s) closest to `prev` (the unwrapped angle after a step of less than π). */
export function unwrapAngle(prev: number, c: number, s: number): number {
  return prev + angleNormalize(Math.atan2(s, c) - prev);
}
