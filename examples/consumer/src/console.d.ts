// The console of the Lambda runtime. @types/node declares it in a real function's project; this
// example leaves that package out to show that it needs only @webhook-pipeline/events and its tests.
declare const console: { log(message: string): void };
