/**
 * Whether this process has begun its orderly stop. Set by the process runner on SIGTERM;
 * every readiness check of the process reads it, so /readyz turns false before the process
 * stops consuming or serving and the platform routes work elsewhere.
 */
let draining = false;

export function markDraining(): void {
  draining = true;
}

export function isDraining(): boolean {
  return draining;
}
