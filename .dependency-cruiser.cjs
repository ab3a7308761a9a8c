/**
 * The architecture as rules (docs/architecture.md), checked by `npm run lint:architecture`, part of
 * `npm test`. Each rule has a test that plants a violation and sees it refused
 * (test/unit/architecture.test.ts).
 */

/** Packages that only our tests, benchmarks, builds and local runtime use: never in a function. */
const NOT_IN_LAMBDA = [
  '^aws-cdk-lib',
  '^constructs$',
  '^cdk-nag',
  '^esbuild',
  '^vitest',
  '^fast-check',
  '^dynalite',
  '^fauxqs',
  '^commander',
  '^@commander-js/',
  '^plaid$',
  '^lossless-json',
  '^playwright',
  '^tsx',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other in a loop: split out what they share.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lambda-stays-deployable',
      severity: 'error',
      comment:
        'Code that runs in Lambda (lambdas/) never imports the local runtime, the CLI, the CDK code, benchmarks, scripts or tests.',
      from: { path: '^lambdas/' },
      to: { path: '^(local|cli|lib|bin|bench|scripts|test|examples)/' },
    },
    {
      name: 'lambda-no-dev-packages',
      severity: 'error',
      comment:
        'Code that runs in Lambda imports no development-only package, but type declarations and the packages bundled into the functions at build time (Powertools, middy), which an installed package does not need.',
      from: { path: '^lambdas/' },
      to: {
        dependencyTypes: ['npm-dev'],
        pathNot: ['node_modules/@types/', 'node_modules/@aws-lambda-powertools/', 'node_modules/@middy/'],
      },
    },
    {
      name: 'lambda-no-tooling-packages',
      severity: 'error',
      comment: 'Code that runs in Lambda imports no CDK, CLI, emulator or test package.',
      from: { path: '^lambdas/' },
      to: { path: NOT_IN_LAMBDA.map((p) => p.replace('^', '(^|node_modules/)')) },
    },
    {
      name: 'shared-never-imports-a-provider',
      severity: 'error',
      comment: 'lambdas/shared serves every provider and depends on none.',
      from: { path: '^lambdas/shared/' },
      to: { path: '^lambdas/providers/' },
    },
    {
      name: 'only-adapters-import-aws-sdk',
      severity: 'error',
      comment:
        'In code that runs in Lambda only lambdas/shared/adapters talk to AWS; cores take them as arguments.',
      from: { path: '^lambdas/', pathNot: '^lambdas/shared/adapters/' },
      to: { path: '(^|node_modules/)@aws-sdk/' },
    },
    {
      name: 'event-contract-stands-alone',
      severity: 'error',
      comment:
        'The event contract (packages/events/src, its cdk/ folder aside) imports nothing outside itself but zod, and never cdk/: a consumer that imports it loads no CDK.',
      from: { path: '^packages/events/src/', pathNot: '^packages/events/src/cdk/' },
      to: { pathNot: ['^packages/events/src/(?!cdk/)', '(^|node_modules/)zod/'] },
    },
    {
      name: 'event-subscription-construct-stays-small',
      severity: 'error',
      comment:
        'The subscription construct (packages/events/src/cdk, the ./cdk subpath) imports the contract, zod, aws-cdk-lib and constructs, nothing else.',
      from: { path: '^packages/events/src/cdk/' },
      to: { pathNot: ['^packages/events/src/', '(^|node_modules/)(zod|aws-cdk-lib|constructs)/'] },
    },
    {
      name: 'local-runtime-is-not-deployed',
      severity: 'error',
      comment: 'The local runtime (local/) never imports the CLI or the CDK code.',
      from: { path: '^local/' },
      to: { path: '^(cli|lib|bin|bench|scripts|test)/' },
    },
    {
      name: 'cdk-code-installs-alone',
      severity: 'error',
      comment:
        "The construct (lib/) runs in a user's CDK app: it imports no development-only package (aws-cdk-lib and constructs are the user's; the Guard validator is this repository's app's).",
      // function-bundle.ts names esbuild's types only (which the swc parser reports as imports) and
      // loads esbuild itself when a source checkout bundles; an installed package never calls it.
      from: {
        path: '^lib/',
        pathNot: ['^lib/guard-validation[.]ts$', '^lib/constructs/function-bundle[.]ts$'],
      },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only'],
        pathNot: ['node_modules/aws-cdk-lib/', 'node_modules/constructs/'],
      },
    },
    {
      name: 'cdk-code-stays-synthesizable',
      severity: 'error',
      comment: 'The CDK code (lib/) never imports the CLI or the local runtime.',
      from: { path: '^lib/' },
      to: { path: '^(cli|local|bin|bench|scripts|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Build output and local state, at the top or in a workspace package; never node_modules' dist.
    exclude: { path: ['^dist/', '^packages/[a-z-]+/dist/', '^cdk[.]out/', '^[.]local/'] },
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
