/** The consume() stopping scenarios on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineConsumeStopSuite } from './support/consume-stop-suite.js';

defineConsumeStopSuite(memoryTarget('consume-stop'));
