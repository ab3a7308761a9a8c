import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running one of this folder's modules (`name` without its extension): compiled
 * (the installed package) the module is JavaScript; from the sources it loads through tsx, as the
 * package's command does.
 */
export const startModuleWorker = (name: string, options: WorkerOptions): Worker => {
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(`./${name}.${compiled ? 'js' : 'ts'}`, import.meta.url);
  return compiled
    ? new Worker(entry, options)
    : new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
        { ...options, eval: true },
      );
};
