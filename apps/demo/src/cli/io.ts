/** Where the command writes; `process.stdout`/`process.stderr` or test recorders. */
export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
}
