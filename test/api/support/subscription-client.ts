import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What one subscription received, in order: results, then its end (an error or completion). */
export interface Received {
  results: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  }[];
  errors: unknown[];
  completed: boolean;
}

export interface SubscriptionClient {
  client: Client;
  /** Starts a subscription; `unsubscribe` ends it. */
  subscribe(
    query: string,
    variables?: Record<string, unknown>,
    extensions?: Record<string, unknown>,
  ): {
    received: Received;
    next(timeoutMs?: number): Promise<Received['results'][number]>;
    ended: Promise<void>;
    unsubscribe(): void;
  };
  /** Resolves with the close event's code and reason when the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

/**
 * A graphql-ws client (the package's own, over `ws`) to the API's /graphql, signed in with `connectionParams`; it
 * connects at once and never retries, so a refused connection shows as the close of its one socket.
 */
export function subscriptionClient(httpUrl: string, connectionParams: Record<string, unknown>): SubscriptionClient {
  let closedWith: (event: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    on: {
      closed: (event) =>
        closedWith({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }),
    },
  });
  return {
    client,
    closed,
    subscribe(query, variables = {}, extensions) {
      const received: Received = { results: [], errors: [], completed: false };
      const waiting: ((result: Received['results'][number]) => void)[] = [];
      let taken = 0;
      let ended: () => void = () => undefined;
      const endedPromise = new Promise<void>((resolve) => (ended = resolve));
      const unsubscribe = client.subscribe(
        { query, variables, extensions },
        {
          next: (result) => {
            received.results.push(result as Received['results'][number]);
            waiting.shift()?.(result as Received['results'][number]);
          },
          error: (error) => {
            received.errors.push(error);
            ended();
          },
          complete: () => {
            received.completed = true;
            ended();
          },
        },
      );
      return {
        received,
        ended: endedPromise,
        unsubscribe,
        next(timeoutMs = 20_000) {
          const index = taken++;
          if (index < received.results.length) return Promise.resolve(received.results[index]);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`no subscription result within ${timeoutMs} ms`)),
              timeoutMs,
            );
            waiting.push((result) => {
              clearTimeout(timer);
              resolve(result);
            });
          });
        },
      };
    },
    dispose: () => Promise.resolve(client.dispose()),
  };
}
