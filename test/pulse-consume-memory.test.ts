/** The consume() scenarios on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineConsumeSuite } from './support/consume-suite.js';

defineConsumeSuite(memoryTarget('consume'));
