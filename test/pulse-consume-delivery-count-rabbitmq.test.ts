/** The forged x-delivery-count scenarios on the real RabbitMQ. */
import { rabbitTarget } from './support/broker-target.js';
import { defineDeliveryCountSuite } from './support/consume-delivery-count-suite.js';

defineDeliveryCountSuite(rabbitTarget);
