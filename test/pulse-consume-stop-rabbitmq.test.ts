/** The consume() stopping scenarios on the real RabbitMQ. */
import { rabbitTarget } from './support/broker-target.js';
import { defineConsumeStopSuite } from './support/consume-stop-suite.js';

defineConsumeStopSuite(rabbitTarget);
