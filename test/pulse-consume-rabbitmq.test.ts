/** The consume() scenarios on the real RabbitMQ. */
import { rabbitTarget } from './support/broker-target.js';
import { defineConsumeSuite } from './support/consume-suite.js';

defineConsumeSuite(rabbitTarget);
