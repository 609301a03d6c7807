/** watchTaskGroup on the real RabbitMQ, with the fake deployment's queue. */
import { rabbitTarget } from './support/broker-target.js';
import { defineWatchTaskGroupSuite } from './support/watch-task-group-suite.js';

defineWatchTaskGroupSuite(rabbitTarget);
