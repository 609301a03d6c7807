/** watchTaskGroup on the embedded memory broker, with the fake deployment's queue. */
import { memoryTarget } from './support/broker-target.js';
import { defineWatchTaskGroupSuite } from './support/watch-task-group-suite.js';

defineWatchTaskGroupSuite(memoryTarget('watch-group'));
