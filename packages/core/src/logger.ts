/** Receives scalar metrics keyed by step; implementations write JSONL, CSV, a console … */
export interface Logger {
  log(step: number, metrics: Record<string, number>): void;
  /** Writes out anything buffered. */
  flush?(): Promise<void>;
  close?(): Promise<void>;
}
