/** The listen() scenarios on the real RabbitMQ. */
import { rabbitTarget } from './support/broker-target.js';
import { defineListenSuite } from './support/listen-suite.js';

defineListenSuite(rabbitTarget);
