/**
 * The scaffolding of a test file against the real broker: {@link useBrokerSuite}
 * on RabbitMQ, for tests that only make sense there.
 */
import { type BrokerSuite, type BrokerSuiteSetup, useBrokerSuite } from './broker-suite.js';
import { rabbitTarget } from './broker-target.js';

export { errorsOf } from './broker-suite.js';
export type RabbitSuite = BrokerSuite;

export function useRabbitSuite(setup: BrokerSuiteSetup): RabbitSuite {
  return useBrokerSuite(rabbitTarget, setup);
}
