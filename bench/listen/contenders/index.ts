import type { Contender } from '../contender.js';
import { amqpConnectionManager } from './amqp-connection-manager.js';
import { amqplibRaw } from './amqplib-raw.js';
import { brokerCeiling } from './broker-ceiling.js';
import { pulseConsume, pulseConsumeInstrumented, pulseListen, pulseListenInstrumented } from './pulse-client.js';
import { rascalContender } from './rascal.js';

/** Everything `bench:listen` measures, in the order of its table. */
export const CONTENDERS: readonly Contender[] = [
  brokerCeiling,
  amqplibRaw,
  rascalContender,
  amqpConnectionManager,
  pulseListen,
  pulseConsume,
  pulseListenInstrumented,
  pulseConsumeInstrumented,
];

/** Ours, and the libraries a Node user would pick instead: the ratios compare these. */
export const OURS = [pulseListen.name, pulseConsume.name] as const;
export const PEERS = [rascalContender.name, amqpConnectionManager.name] as const;
export const CEILING = brokerCeiling.name;
