/**
 * PulsePublisher against the real RabbitMQ, read back with raw amqplib.
 */
import amqplib from 'amqplib';
import { definePublisherSuite } from './support/conformance-publisher.js';

const url = process.env.TEST_RABBIT_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

// 3000 at once fill amqplib's write buffer (publish() returns false), so later publishes wait for 'drain'.
definePublisherSuite({ name: 'RabbitMQ', url, burst: 3000, connect: () => amqplib.connect(url) });
