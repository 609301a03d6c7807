/** The stuck-handler scenarios on the real RabbitMQ. */
import { rabbitTarget } from './support/broker-target.js';
import { defineConsumeStuckSuite } from './support/consume-stuck-suite.js';

defineConsumeStuckSuite(rabbitTarget);
