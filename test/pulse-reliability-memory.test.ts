/** The reliability scenarios on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineReliabilitySuite } from './support/reliability-suite.js';

defineReliabilitySuite(memoryTarget('reliability'));
