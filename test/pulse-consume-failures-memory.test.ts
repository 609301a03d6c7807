/** The consume() failure scenarios (permanent errors, retries that do not block) on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineConsumeFailuresSuite } from './support/consume-failures-suite.js';

defineConsumeFailuresSuite(memoryTarget('consume-failures'));
