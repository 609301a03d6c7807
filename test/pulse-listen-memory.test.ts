/** The listen() scenarios on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineListenSuite } from './support/listen-suite.js';

defineListenSuite(memoryTarget('listen'));
