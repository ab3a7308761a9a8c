/**
 * Timeouts and attempts of an AWS SDK client. Without them the SDK waits on a hung connection
 * indefinitely (its HTTP handler has no timeout by default, and a request timeout only warns unless
 * `throwOnRequestTimeout` is set).
 */
export interface ClientTimeouts {
  /** Longest wait for a connection to open. */
  readonly connectionTimeoutMs: number;
  /** Longest wait for one attempt's answer once connected. */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first included (the SDK's standard retry strategy between them). */
  readonly maxAttempts: number;
}

// The connection timeout counts from the moment a call asks the agent for a socket, so a call
// queued behind the default 50 sockets would time out without ever reaching the service. A
// function instance serves one request at a time; `npm run dev` serves them all from one process.
const AGENT = { keepAlive: true, maxSockets: 1024 };

/**
 * Settings shared by every SDK client the functions and the dev runtime build. `cacheMiddleware`
 * resolves a command's middleware stack once per command type instead of on every call; nothing
 * here adds middleware to a client after its first call, which is what the cache would miss.
 */
export const SHARED_CLIENT_CONFIG = { cacheMiddleware: true } as const;

/** The client configuration for `timeouts` (none: the SDK's defaults). */
export const clientTimeoutConfig = (timeouts?: ClientTimeouts) =>
  timeouts
    ? {
        requestHandler: {
          connectionTimeout: timeouts.connectionTimeoutMs,
          requestTimeout: timeouts.requestTimeoutMs,
          throwOnRequestTimeout: true,
          httpAgent: AGENT,
          httpsAgent: AGENT,
        },
        maxAttempts: timeouts.maxAttempts,
      }
    : {};
