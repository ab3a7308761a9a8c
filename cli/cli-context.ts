/** What every command is given: where it reads its settings and writes its lines. */
export interface CliContext {
  /** The environment (tests pass their own; commands never read `process.env` directly). */
  readonly env: NodeJS.ProcessEnv;
  /** One line of output (stdout). */
  readonly out: (line: string) => void;
  /** One line of diagnostics (stderr). */
  readonly err: (line: string) => void;
  /** The terminal's width when stdout is a terminal; undefined when it is a file or a pipe. */
  readonly columns: number | undefined;
  /** The exit status the command's action settles on (0 ok, 1 failed). */
  status: number;
}

/**
 * The action of a command that runs `run` with its parsed options and settles the exit status.
 * Commander calls an action with the command as `this`.
 */
export const actionOf = <O>(ctx: CliContext, run: (options: O, ctx: CliContext) => Promise<number>) =>
  async function (this: { opts(): O }): Promise<void> {
    ctx.status = await run(this.opts(), ctx);
  };
