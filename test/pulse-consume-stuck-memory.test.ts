/** The stuck-handler scenarios on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineConsumeStuckSuite } from './support/consume-stuck-suite.js';

defineConsumeStuckSuite(memoryTarget('consume-stuck'));
