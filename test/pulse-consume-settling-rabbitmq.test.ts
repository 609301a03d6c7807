/** The consume() settling scenarios on the real RabbitMQ. */
import { rabbitTarget } from './support/broker-target.js';
import { defineConsumeSettlingSuite } from './support/consume-settling-suite.js';

defineConsumeSettlingSuite(rabbitTarget);
