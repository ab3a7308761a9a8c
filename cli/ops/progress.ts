/** How one unit of work ended, for the progress counters. */
export type ProgressOutcome = 'ok' | 'failed' | 'skipped';

/** A stream the progress line is written to (stderr). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Settings of {@link createProgress}. */
export interface ProgressOptions {
  readonly label: string;
  /** Units of work, when known in advance. */
  readonly total?: number;
  readonly stream?: ProgressStream;
  /** Interval of the plain lines written when the stream is not a terminal (default 5 s). */
  readonly plainIntervalMs?: number;
  readonly now?: () => number;
}

/** A progress indicator: a redrawn bar on a terminal, periodic plain lines otherwise. */
export interface Progress {
  tick(outcome: ProgressOutcome, n?: number): void;
  /** Sets or raises the total (work discovered while running). */
  setTotal(total: number): void;
  /** Draws the final state and ends the line, so that the summary starts on its own line. */
  done(): void;
  readonly counts: Readonly<Record<ProgressOutcome, number>>;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

const formatSeconds = (s: number): string =>
  s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`
      : `${Math.ceil(s)}s`;

/** Draws progress on `stream` (stderr by default), never on stdout, so reports and summaries stay clean. */
export const createProgress = (options: ProgressOptions): Progress => {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = Boolean(stream.isTTY);
  const plainInterval = options.plainIntervalMs ?? 5000;
  const started = now();
  const counts: Record<ProgressOutcome, number> = { ok: 0, failed: 0, skipped: 0 };
  let total = options.total;
  let lastDraw = 0;
  let lastPlain = started;
  let drew = false;

  const line = (): string => {
    const done = counts.ok + counts.failed + counts.skipped;
    const elapsed = Math.max((now() - started) / 1000, 0.001);
    const rate = done / elapsed;
    const parts = [options.label];
    if (total !== undefined && total > 0) {
      const ratio = Math.min(done / total, 1);
      const filled = Math.round(ratio * BAR_WIDTH);
      if (tty) parts.push(`[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`);
      parts.push(`${done}/${total}`, `${Math.floor(ratio * 100)}%`);
    } else parts.push(`${done}`);
    parts.push(`ok ${counts.ok}`, `failed ${counts.failed}`);
    if (counts.skipped) parts.push(`skipped ${counts.skipped}`);
    parts.push(`${rate.toFixed(1)}/s`);
    if (total !== undefined && rate > 0 && done < total)
      parts.push(`ETA ${formatSeconds((total - done) / rate)}`);
    return parts.join('  ');
  };

  const draw = (force: boolean) => {
    const t = now();
    if (tty) {
      if (!force && t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      const text = line();
      stream.write(`\r\x1b[2K${stream.columns ? text.slice(0, stream.columns - 1) : text}`);
      drew = true;
    } else if (t - lastPlain >= plainInterval) {
      lastPlain = t;
      stream.write(`${line()}\n`);
      drew = true;
    }
  };

  return {
    counts,
    tick(outcome, n = 1) {
      counts[outcome] += n;
      draw(false);
    },
    setTotal(value) {
      total = Math.max(value, total ?? 0);
      draw(false);
    },
    done() {
      if (tty) {
        draw(true);
        stream.write('\n');
      } else if (drew) stream.write(`${line()}\n`);
    },
  };
};
