import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { Binding } from '../../bindings/types.js';
import { PulseClient } from '../../pulse/pulse-client.js';
import type { BrokerAddress } from '../../pulse/broker-address.js';
import { bindingOfSpec, type BindingSpec } from './binding-specs.js';
import { MessageViews } from './message-view.js';

/** What an event stream's `status` event says. */
export type StreamState = 'idle' | 'connecting' | 'listening' | 'reconnecting' | 'failed';

export interface EventStreamOptions {
  /** The broker; only its redacted `display` may reach the page. */
  readonly address: BrokerAddress;
  readonly connectionName: string;
  /** Comment lines this often keep the stream (and a dead socket's detection) alive. */
  readonly heartbeatMs?: number;
}

/** Past this many bytes waiting for a page that does not read, messages are dropped (and counted) instead of buffered. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * One page's server-sent event stream: listens with the page's bindings on a
 * connection of its own (an exclusive queue, deleted when the page goes) and
 * pushes each message as a `message` event, the subscription's state as
 * `status` events. Closing the page's EventSource ends the subscription.
 */
export function serveEventStream(request: IncomingMessage, response: ServerResponse, specs: readonly BindingSpec[], options: EventStreamOptions): void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
  request.socket.setNoDelay(true);
  // A page that lost its stream retries after this long.
  response.write('retry: 2000\n\n');
  const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const status = (state: StreamState, text: string) => send('status', { state, text });
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
  let subscription: Subscription | undefined;
  let client: PulseClient | undefined;
  request.on('close', () => {
    clearInterval(heartbeat);
    subscription?.unsubscribe();
    void client?.close().catch(() => undefined);
  });

  let bindings: { spec: BindingSpec; binding: Binding }[];
  try {
    bindings = specs.map((spec) => ({ spec, binding: bindingOfSpec(spec) }));
  } catch (error) {
    // Kept open: a closed stream would only be retried by the browser, with the same bindings.
    return void status('failed', (error as Error).message);
  }
  if (bindings.length === 0) return void status('idle', 'no bindings: add one to start listening');

  const views = new MessageViews(bindings);
  client = new PulseClient({ url: options.address, connectionName: options.connectionName, closeTimeoutMs: 2_000 });
  client.on('consuming', ({ queue }) => status('listening', `listening on queue ${queue}`));
  client.on('reconnecting', ({ attempt, delayMs, error }) => status('reconnecting', options.address.redact(`connection failed (${error.message}); retry ${attempt} in ${delayMs} ms`)));
  client.on('error', (error) => send('warning', { text: options.address.redact(error.message) }));
  status('connecting', 'connecting to the broker');
  let dropped = 0;
  subscription = client.listen(bindings.map((b) => b.binding)).subscribe({
    next: (message) => {
      if (response.writableLength > MAX_BUFFERED_BYTES) return void send('dropped', { count: ++dropped });
      send('message', views.view(message));
    },
    error: (error: Error) => status('failed', options.address.redact(error.message)),
  });
}
