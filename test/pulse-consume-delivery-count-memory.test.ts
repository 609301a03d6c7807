/** The forged x-delivery-count scenarios on the embedded memory broker. */
import { memoryTarget } from './support/broker-target.js';
import { defineDeliveryCountSuite } from './support/consume-delivery-count-suite.js';

defineDeliveryCountSuite(memoryTarget('consume-delivery-count'));
