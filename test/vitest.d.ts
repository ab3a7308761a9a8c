import 'vitest';
import type { CustomMatcher } from 'aws-sdk-client-mock-vitest';

// Types of the aws-sdk-client-mock matchers registered with expect.extend in handler tests.
declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the matcher generic mirrors vitest's own declaration
  interface Matchers<T = any> extends CustomMatcher<T> {}
}
