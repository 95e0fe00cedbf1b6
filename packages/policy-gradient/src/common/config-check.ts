/**
 * Field checks for algorithm configs: each throws a RangeError `<Kind>: <field> must be …, got …`
 * naming the first bad field.
 */
export class ConfigCheck {
  constructor(private readonly kind: string) {}

  fail(field: string, requirement: string, value: unknown): never {
    const shown = typeof value === 'string' || (typeof value === 'object' && value !== null) ? JSON.stringify(value) : String(value);
    throw new RangeError(`${this.kind}: ${field} must be ${requirement}, got ${shown}`);
  }

  integerAtLeast(field: string, value: number, min: number): void {
    if (!Number.isInteger(value) || value < min) this.fail(field, `an integer >= ${min}`, value);
  }

  /** value in [low, high] (or (low, high] with openLow). */
  inInterval(field: string, value: number, low: number, high: number, openLow = false): void {
    if (!((openLow ? value > low : value >= low) && value <= high)) this.fail(field, `in ${openLow ? '(' : '['}${low}, ${high}]`, value);
  }

  positiveFinite(field: string, value: number): void {
    if (!(value > 0 && Number.isFinite(value))) this.fail(field, 'a finite number > 0', value);
  }

  nonNegativeFinite(field: string, value: number): void {
    if (!(value >= 0 && Number.isFinite(value))) this.fail(field, 'a finite number >= 0', value);
  }

  finite(field: string, value: number): void {
    if (!Number.isFinite(value)) this.fail(field, 'a finite number', value);
  }

  /** null, or a finite number > 0. */
  nullOrPositive(field: string, value: number | null): void {
    if (value !== null) this.positiveFinite(field, value);
  }

  boolean(field: string, value: unknown): void {
    if (typeof value !== 'boolean') this.fail(field, 'a boolean', value);
  }

  oneOf<T>(field: string, value: T, options: readonly T[]): void {
    if (!options.includes(value)) this.fail(field, options.map((o) => (typeof o === 'string' ? `'${o}'` : String(o))).join(' or '), value);
  }

  /** A 32-bit integer seed. */
  seed(value: number): void {
    this.integerAtLeast('seed', value, -0x80000000);
    if (value > 0xffffffff) this.fail('seed', 'a 32-bit integer', value);
  }

  /** An array of widths >= 1 (empty allowed unless `nonEmpty`). */
  sizes(field: string, value: readonly number[], nonEmpty = false): void {
    if (!Array.isArray(value) || (nonEmpty && value.length === 0)) this.fail(field, `a${nonEmpty ? ' non-empty' : 'n'} array of integers >= 1`, value);
    value.forEach((size, i) => this.integerAtLeast(`${field}[${i}]`, size, 1));
  }

  activation(value: string): void {
    this.oneOf('activation', value, ['relu', 'tanh', 'elu']);
  }
}

/** The replay and update settings every off-policy agent (SAC, off-policy AC, TD3, DDPG) has. */
export interface OffPolicyFields {
  /** Seeds the agent's one Rng: weights, random warm-up actions, replay sampling, noise, env resets. */
  readonly seed: number;
  /** Adam step size of the actor and of the critic(s). */
  readonly learningRate: number;
  /** Replay capacity in transitions. */
  readonly bufferSize: number;
  /** Transitions per gradient update. */
  readonly batchSize: number;
  /** Discount γ in [0, 1]. */
  readonly gamma: number;
  /** Polyak coefficient of the target networks: θ' ← τθ + (1 − τ)θ'. In (0, 1]. */
  readonly tau: number;
  /** Env steps (over all sub-envs) of uniformly random actions before learning starts. */
  readonly learningStarts: number;
  /** Env steps (over all sub-envs) between two learning phases. */
  readonly trainFrequency: number;
  /** Gradient updates per learning phase. */
  readonly gradientSteps: number;
}

/** Checks the {@link OffPolicyFields}, in their order; `gradientSteps` must be an integer >= `minGradientSteps`. */
export function checkOffPolicyFields(check: ConfigCheck, config: OffPolicyFields, minGradientSteps: number): void {
  check.seed(config.seed);
  check.positiveFinite('learningRate', config.learningRate);
  check.integerAtLeast('bufferSize', config.bufferSize, 1);
  check.integerAtLeast('batchSize', config.batchSize, 1);
  check.inInterval('gamma', config.gamma, 0, 1);
  check.inInterval('tau', config.tau, 0, 1, true);
  check.integerAtLeast('learningStarts', config.learningStarts, 0);
  check.integerAtLeast('trainFrequency', config.trainFrequency, 1);
  check.integerAtLeast('gradientSteps', config.gradientSteps, minGradientSteps);
}

/** Checks a Gaussian policy's log σ clamp: both finite, `logStdMax` > `logStdMin`. */
export function checkLogStdRange(check: ConfigCheck, config: { readonly logStdMin: number; readonly logStdMax: number }): void {
  check.finite('logStdMin', config.logStdMin);
  check.finite('logStdMax', config.logStdMax);
  if (!(config.logStdMax > config.logStdMin)) check.fail('logStdMax', `> logStdMin (${config.logStdMin})`, config.logStdMax);
}
