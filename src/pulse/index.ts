// Public surface of src/pulse; re-exported by src/index.ts.
export { PulseClient, type PulseClientEvents, type QueueStatus } from './pulse-client.js';
export { LOCAL_BROKER_URL, optionsFromEnv, PulseConfigError, type PulseClientOptions } from './client-options.js';
export type { BackoffOptions } from './backoff.js';
export { listen, consume, defaultPulseClient, setDefaultPulseClient } from './default-client.js';
export type { ListenOptions } from './listen-stream.js';
export type { ConsumeHandler, ConsumeOptions, ConsumeOutcome } from './consume-stream.js';
export type { QueueOptions, QueueOverflow } from './queue-options.js';
export type { BindingIn, Bindings, MessageOf, PulseMessage, SettleResult } from './pulse-message.js';
export {
  ChannelClosedError,
  ClientClosedError,
  ConnectionFailedError,
  ConsumerCancelledError,
  DeliveryLimitError,
  MalformedMessageError,
  QueueSetupError,
  StaleDeliveryError,
  UnboundMessageError,
  type DeliveryInfo,
} from './pulse-errors.js';
export { HeartbeatTimeoutError } from './heartbeat-watchdog.js';
export { ConnectTimeoutError } from './bounded-connect.js';
export { redactUrl } from './redact-url.js';
// Transport seam: the embedded broker and custom transports plug in here.
export { registerConnector, UnsupportedSchemeError } from './connectors.js';
export type * from './amqp-api.js';
