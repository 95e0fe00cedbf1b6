import type { AutoresetMode } from '@tfrl/core';

/**
 * Which sub-envs are due their reset step. Under next-step autoreset (Gymnasium's default) the
 * row of a sub-env in the vector step after its episode ended is its reset step: no transition,
 * whatever it holds. The other modes have no such rows.
 */
export class PendingResets {
  /** 1 where the sub-env's next row is its reset step; snapshots store it as is. */
  readonly flags: Uint8Array; // [numEnvs]
  private readonly nextStep: boolean;

  constructor(numEnvs: number, autoresetMode: AutoresetMode) {
    this.flags = new Uint8Array(numEnvs);
    this.nextStep = autoresetMode === 'next-step';
  }

  /** Whether env e's row of the vector step being added is its reset step; call once per row, in order. */
  isResetRow(e: number, terminated: number, truncated: number): boolean {
    if (this.flags[e] !== 0) {
      this.flags[e] = 0;
      return true;
    }
    if (this.nextStep && (terminated !== 0 || truncated !== 0)) this.flags[e] = 1;
    return false;
  }

  /** No reset step pending (the vector env was reset). */
  clear(): void {
    this.flags.fill(0);
  }
}
