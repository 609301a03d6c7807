/**
 * The AMQP conformance suite against the real RabbitMQ on 127.0.0.1:5672:
 * the reference the memory broker is held to.
 */
import amqplib from 'amqplib';
import { defineConformanceSuite } from './support/conformance.js';

const url = process.env.TEST_RABBIT_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

defineConformanceSuite({
  name: 'RabbitMQ',
  connect: () => amqplib.connect(url, { noDelay: true }),
});
