/** The consume() failure scenarios (permanent errors, retries that do not block) on the real RabbitMQ. */
import { rabbitTarget } from './support/broker-target.js';
import { defineConsumeFailuresSuite } from './support/consume-failures-suite.js';

defineConsumeFailuresSuite(rabbitTarget);
