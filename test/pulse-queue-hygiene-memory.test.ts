/** Queue hygiene (a queue deleted under its consumer, `expires`) on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineQueueHygieneSuite } from './support/queue-hygiene-suite.js';

defineQueueHygieneSuite(memoryTarget('queue-hygiene'));
