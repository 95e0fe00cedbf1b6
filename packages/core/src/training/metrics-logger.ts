import { checkIntegerAtLeast } from '../internal/validate.js';
import type { Logger } from '../logger.js';

/**
 * Where a text logger writes: a file (`fileSink` in `@tfrl/core/node`), memory, a console …
 * A sink that returns promises must apply writes in call order.
 */
export interface TextSink {
  write(text: string): void | Promise<void>;
  close?(): Promise<void>;
}

/** Forwards text to a sink, keeping track of async writes and their first failure. */
class SinkWriter {
  private pending: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private closed = false;

  constructor(
    private readonly sink: TextSink,
    private readonly owner: string,
  ) {}

  write(text: string): void {
    if (this.closed) throw new Error(`${this.owner}: log after close`);
    this.rethrow();
    const result = this.sink.write(text);
    if (result !== undefined) {
      // Catch now, so a failed write never becomes an unhandled rejection; report it later.
      const tracked = result.then(undefined, (error: unknown) => {
        this.failure ??= { error };
      });
      this.pending = this.pending.then(() => tracked);
    }
  }

  async flush(): Promise<void> {
    await this.pending;
    this.rethrow();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.sink.close?.();
    }
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}

function checkMetrics(owner: string, metrics: Record<string, number>): string[] {
  const keys = Object.keys(metrics).sort();
  if ('step' in metrics) throw new RangeError(`${owner}: 'step' is reserved for the step column, not a metric name`);
  return keys;
}

function jsonNumber(value: number): string {
  return Number.isFinite(value) ? JSON.stringify(value) : 'null';
}

/**
 * Writes one JSON object per line: `{"step":100,"loss":0.25,"return":12}`. `step` comes first,
 * then the metrics with keys sorted (code-unit order), so equal runs give identical files.
 * NaN and ±Infinity are written as `null` (JSON has no such numbers).
 */
export class JsonlLogger implements Logger {
  private readonly writer: SinkWriter;

  constructor(sink: TextSink) {
    this.writer = new SinkWriter(sink, 'JsonlLogger');
  }

  log(step: number, metrics: Record<string, number>): void {
    const keys = checkMetrics('JsonlLogger', metrics);
    // Built by hand: JSON.stringify of an object would put integer-like keys ("10") first.
    let line = `{"step":${jsonNumber(step)}`;
    for (const key of keys) line += `,${JSON.stringify(key)}:${jsonNumber(metrics[key]!)}`;
    this.writer.write(`${line}}\n`);
  }

  /** Resolves once every line logged so far reached the sink; rejects if a write failed. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Flushes, then closes the sink. Logging afterwards throws. */
  close(): Promise<void> {
    return this.writer.close();
  }
}

function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Options of {@link CsvLogger}. */
export interface CsvLoggerOptions {
  /**
   * The metric columns, fixed up front: the header is written with the first row and a
   * metric outside this list throws a RangeError. Without it, columns are discovered.
   */
  columns?: readonly string[];
  /** Rows held back to discover columns before the first header is written. Default 100. */
  bufferRows?: number;
}

/**
 * Writes metrics as CSV: a `step` column, then one column per metric, sorted. A metric
 * missing from a row leaves its cell empty; NaN, Infinity and -Infinity are written as
 * those literal words. Names with commas, quotes or line breaks are quoted (RFC 4180).
 *
 * Columns that appear late (an evaluation metric first logged at step 10 000 is the usual
 * case): without `columns`, the first `bufferRows` rows are held back (or until `flush` or
 * `close`) and the header is the sorted union of their keys. A row that brings a new key
 * after that is preceded by a new header line holding every column so far, sorted. So the
 * file is a sequence of tables, each starting with a line whose first cell is `step`
 * (a data line always starts with a number); with one header line it is plain CSV.
 */
export class CsvLogger implements Logger {
  private readonly writer: SinkWriter;
  private readonly fixed: boolean;
  private readonly bufferRows: number;
  private columns: string[] | undefined;
  private known = new Set<string>();
  private buffered: { step: number; metrics: Record<string, number> }[] = [];
  private headerWritten = false;

  constructor(sink: TextSink, options: CsvLoggerOptions = {}) {
    this.writer = new SinkWriter(sink, 'CsvLogger');
    this.bufferRows = options.bufferRows ?? 100;
    checkIntegerAtLeast('CsvLogger', 'bufferRows', this.bufferRows, 0);
    this.fixed = options.columns !== undefined;
    if (options.columns !== undefined) {
      if (options.columns.includes('step')) throw new RangeError("CsvLogger: 'step' is always the first column; do not list it");
      this.columns = [...new Set(options.columns)].sort();
      this.known = new Set(this.columns);
    }
  }

  log(step: number, metrics: Record<string, number>): void {
    const keys = checkMetrics('CsvLogger', metrics);
    if (this.fixed) {
      const unknown = keys.filter((k) => !this.known.has(k));
      if (unknown.length > 0) {
        throw new RangeError(`CsvLogger: metric ${unknown.map((k) => JSON.stringify(k)).join(', ')} is not among the declared columns`);
      }
      const header = this.headerWritten ? '' : this.headerLine();
      this.writer.write(header + this.rowLine(step, metrics));
      this.headerWritten = true;
      return;
    }
    if (!this.headerWritten) {
      for (const key of keys) this.known.add(key);
      this.buffered.push({ step, metrics: { ...metrics } });
      if (this.buffered.length > this.bufferRows) this.writeBuffered();
      return;
    }
    let text = '';
    if (keys.some((k) => !this.known.has(k))) {
      for (const key of keys) this.known.add(key);
      this.columns = [...this.known].sort();
      text += this.headerLine();
    }
    this.writer.write(text + this.rowLine(step, metrics));
  }

  private writeBuffered(): void {
    this.columns = [...this.known].sort();
    let text = this.headerLine();
    for (const row of this.buffered) text += this.rowLine(row.step, row.metrics);
    this.writer.write(text);
    this.buffered = [];
    this.headerWritten = true;
  }

  private headerLine(): string {
    return `${['step', ...this.columns!].map(csvField).join(',')}\n`;
  }

  private rowLine(step: number, metrics: Record<string, number>): string {
    let line = String(step);
    for (const column of this.columns!) {
      const value = metrics[column];
      line += value === undefined ? ',' : `,${String(value)}`;
    }
    return `${line}\n`;
  }

  /** Writes any held-back rows (fixing the header), then waits for the sink. */
  flush(): Promise<void> {
    if (!this.fixed && !this.headerWritten && this.buffered.length > 0) this.writeBuffered();
    return this.writer.flush();
  }

  /** Flushes, then closes the sink. Logging afterwards throws. */
  async close(): Promise<void> {
    try {
      if (!this.fixed && !this.headerWritten && this.buffered.length > 0) this.writeBuffered();
    } finally {
      await this.writer.close();
    }
  }
}

/** Sends every call to each of several loggers (e.g. JSONL to a file and a progress view). */
export class MultiLogger implements Logger {
  private readonly loggers: readonly Logger[];

  constructor(loggers: readonly Logger[]) {
    this.loggers = [...loggers];
  }

  /** Logs to every logger; if some throw, the others still log and the first error is rethrown. */
  log(step: number, metrics: Record<string, number>): void {
    let failure: { error: unknown } | undefined;
    for (const logger of this.loggers) {
      try {
        logger.log(step, metrics);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  flush(): Promise<void> {
    return settleAll(this.loggers.map((l) => l.flush?.()));
  }

  close(): Promise<void> {
    return settleAll(this.loggers.map((l) => l.close?.()));
  }
}

async function settleAll(promises: (Promise<void> | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
}

/** A {@link TextSink} that keeps everything in memory (tests, browser tabs). */
export interface MemorySink extends TextSink {
  /** Every `write` call's text, in order. */
  readonly chunks: readonly string[];
  /** True once `close` was called. */
  readonly closed: boolean;
  /** Everything written, concatenated. */
  text(): string;
  /** Everything written, split into lines (no trailing empty line). */
  lines(): string[];
  close(): Promise<void>;
}

/** A sink collecting text in memory. */
export function memorySink(): MemorySink {
  const chunks: string[] = [];
  let closed = false;
  const text = () => chunks.join('');
  return {
    chunks,
    get closed() {
      return closed;
    },
    write(chunk: string) {
      if (closed) throw new Error('memorySink: write after close');
      chunks.push(chunk);
    },
    text,
    lines() {
      const all = text();
      if (all === '') return [];
      return (all.endsWith('\n') ? all.slice(0, -1) : all).split('\n');
    },
    async close() {
      closed = true;
    },
  };
}
