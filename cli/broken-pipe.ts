/**
 * Ends the process quietly (status 0) when the reader of `stream` has gone, as in
 * `webhook-pipeline events tail --json | head -1`: there is no one left to tell, and the output
 * that was wanted was delivered. Other write errors are left to Node's usual handling.
 */
export const exitQuietlyOnBrokenPipe = (stream: NodeJS.WriteStream = process.stdout): void => {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    // The process entry's own decision: main() itself never exits the process.
    process.exit(0);
  });
};
