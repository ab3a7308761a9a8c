/**
 * Runs `action` with what it writes to stdout and stderr collected instead of written; each line
 * of the output is prefixed with its stream (`out ` or `err `).
 */
export const captureOutput = async <T>(action: () => Promise<T>): Promise<{ result: T; output: string }> => {
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  let output = '';
  streams.forEach((stream, i) => {
    const prefix = i === 0 ? 'out ' : 'err ';
    stream.write = ((chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) if (line !== '') output += `${prefix}${line}\n`;
      return true;
    }) as typeof stream.write;
  });
  try {
    const result = await action();
    return { result, output };
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
  }
};

/** The JSON lines of captured output, with the stream each was written to. */
export const jsonLines = (output: string): { stream: string; line: Record<string, unknown> }[] =>
  output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({
      stream: line.slice(0, 3),
      line: JSON.parse(line.slice(4)) as Record<string, unknown>,
    }));

/** Bytes written to stdout and stderr by `action` (what the function's log group ingests). */
export const outputBytes = (output: string): number =>
  output
    .split('\n')
    .filter((line) => line !== '')
    .reduce((sum, line) => sum + Buffer.byteLength(line.slice(4)) + 1, 0);
