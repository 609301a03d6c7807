/** The consume() settling scenarios on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineConsumeSettlingSuite } from './support/consume-settling-suite.js';

defineConsumeSettlingSuite(memoryTarget('consume-settling'));
