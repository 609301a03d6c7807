import { after, before } from 'node:test';
import { echo, startHawkServer, type Handler, type HawkServer } from './hawk-server.js';

/** Permanent clients the test server knows. */
export const ISSUER = { clientId: 'tester', accessToken: 'tester-access-token-4fQ9x1' } as const;
export const OTHER = { clientId: 'other', accessToken: 'other-access-token-Zp7c2L' } as const;
export const CLIENTS = { [ISSUER.clientId]: ISSUER.accessToken, [OTHER.clientId]: OTHER.accessToken };

/** Small delays so retry tests stay fast. */
export const FAST_RETRIES = { delayFactor: 1, maxDelay: 5, randomizationFactor: 0 } as const;

/**
 * A Hawk-verifying server for the tests of one file: started before them,
 * closed after. `reset()` forgets recorded requests and sets the handler
 * (`next`, else the one given here, else `echo`).
 */
export function useHawkServer(handler?: Handler): { readonly current: HawkServer; reset(next?: Handler): HawkServer } {
  let server: HawkServer | undefined;
  before(async () => {
    server = await startHawkServer(CLIENTS, handler);
  });
  after(async () => {
    await server?.close();
  });
  return {
    get current() {
      if (!server) throw new Error('the server starts in before()');
      return server;
    },
    reset(next) {
      const current = this.current;
      current.requests.length = 0;
      current.refusals.length = 0;
      current.handle(next ?? handler ?? echo);
      return current;
    },
  };
}
