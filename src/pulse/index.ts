// Public surface of src/pulse; re-exported by src/index.ts.
export { PulseClient, type QueueStatus } from './pulse-client.js';
export type { PulseClientEvents } from './client-events.js';
export { LOCAL_BROKER_URL, optionsFromEnv, type PulseClientOptions } from './client-options.js';
export { BrokerAddress } from './broker-address.js';
export { CredentialsProviderError, type PulseCredentials, type PulseCredentialsProvider } from './credentials-provider.js';
export { redactUrl, type ConnectionParameter } from './broker-url.js';
export { jsonLineLogger, type LogLevel, type PulseLogger } from './logger.js';
export type { BackoffOptions } from './backoff.js';
export { listen, consume, defaultPulseClient, setDefaultPulseClient } from './default-client.js';
export type { ListenOptions } from './listen-stream.js';
export type { ConsumeHandler, ConsumeOptions, ConsumingInfo } from './consume-options.js';
export type {
  ConsumeOutcome,
  GivenUpOutcome,
  GiveUpReason,
  HandledOutcome,
  HandlerEnding,
  ReleasedOutcome,
  RetryingOutcome,
  SettledByHandlerOutcome,
} from './consume-outcome.js';
export type { QueueOptions, QueueOverflow } from './queue-options.js';
export type { BindingIn, Bindings, MessageOf, PulseMessage, PulseMessageJson, SettleResult } from './pulse-message.js';
export type { CauseJson, PulseErrorJson } from './error-json.js';
export type { DecodeOptions } from './decode-options.js';
export {
  DeliveryLimitError,
  HandlerTimeoutError,
  MalformedMessageError,
  MessageReleasedError,
  PulseConfigError,
  RetryDelayError,
  StaleDeliveryError,
  UnboundMessageError,
  type DeliveryInfo,
  type ReleaseReason,
} from './pulse-errors.js';
export { ChannelClosedError, ClientClosedError, ConnectionFailedError, ConsumerCancelledError, QueueSetupError, type ConnectionFailure } from './broker-errors.js';
export { FailureClassifierError, HoldingQueueError, PermanentError, PermanentFailureError, RetryQueueError } from './failure-errors.js';
export type { FailureClassifier, FailureVerdict } from './failure-classifier.js';
export { HeartbeatTimeoutError } from './heartbeat-watchdog.js';
// Stale bindings on durable queues (QueueOptions.staleBindings).
export { StaleBindingsError } from './stale-bindings/bindings-reader.js';
export type { StaleBindingsOptions, StaleBindingsPolicy } from './stale-bindings/options.js';
export { QueueDeletedError } from './queue-watch.js';
// Health and queue depth (metrics go through OpenTelemetry's API: see docs/observability.md).
export { startHealthServer, type HealthServer, type HealthServerOptions } from './health/health-server.js';
export type { PulseHealth, QueueDepthHealth, SubscriptionHealth } from './health/client-health.js';
export type { QueueDepthLevel, QueueDepthOptions } from './health/queue-depth-options.js';
export type { QueueDepthEvent } from './health/queue-depth-monitor.js';
export { ConnectTimeoutError } from './bounded-connect.js';
// Transport seam: the embedded broker and custom transports plug in here.
export { registerConnector, UnsupportedSchemeError } from './connectors.js';
export type * from './amqp-api.js';
