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
