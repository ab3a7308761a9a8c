/**
 * A function's handler module, as it deploys: from the installed package, the bundle `npm pack`
 * built (dist/functions/<name>, the very code a stack deploys from this package); from the sources,
 * its `handler.ts`, so an edit is seen at once.
 */
export const functionModule = (name: 'ingest' | 'router'): Promise<{ handler: unknown }> =>
  import.meta.url.endsWith('.ts')
    ? name === 'ingest'
      ? import('../lambdas/ingest/handler.js')
      : import('../lambdas/router/handler.js')
    : import(new URL(`../functions/${name}/index.mjs`, import.meta.url).href);
