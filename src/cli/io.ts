/**
 * What a CLI command gets from the outside world. Commands never touch
 * process.* directly, so tests run them in-process with their own streams.
 */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: Record<string, string | undefined>;
  /** Working directory for relative paths and the embedded database. */
  cwd: string;
}

/** A CLI command: arguments after the command name → exit code. */
export type CommandRunner = (args: string[], io: CliIo) => Promise<number>;

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
