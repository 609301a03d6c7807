// `npm run demo`: the bot of completed-task-reporter.ts at work, with nothing to set up.
//   Pulse: the embedded broker (memory://), or PULSE_URL when set, e.g. amqp://guest:guest@127.0.0.1:5672.
//   Taskcluster: a local fake (startFakeTaskcluster) that checks Hawk signatures as the real services do.
import { filter, firstValueFrom, share, take, toArray } from 'rxjs';
import { closeConnections, PulseClient, Queue, QueueEvents, slugid } from 'taskcluster-pulse';
import { redactUrl } from 'taskcluster-pulse/pulse';
import { PulsePublisher, startFakeTaskcluster } from 'taskcluster-pulse/testing';
import { reportCompletedTasks } from './completed-task-reporter.js';

// Fail loudly rather than hang if something below never finishes.
const watchdog = setTimeout(() => {
  console.error('demo: not finished after 30 s; something hangs');
  process.exit(1);
}, 30_000);

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

async function main() {
  const pulseUrl = process.env.PULSE_URL || 'memory://demo';
  const taskcluster = await startFakeTaskcluster();
  console.log(`demo: Pulse at ${redactUrl(pulseUrl)}, fake Taskcluster at ${taskcluster.rootUrl}`);

  // A task group as a CI run creates it: the tasks exist in the (fake) queue.
  const taskGroupId = slugid();
  const tasks = [
    { taskId: slugid(), name: 'build linux64', workerType: 'b-linux', owner: 'alice@example.com' },
    { taskId: slugid(), name: 'test linux64 unit', workerType: 't-linux', owner: 'alice@example.com' },
    { taskId: slugid(), name: 'lint', workerType: 'b-linux-small', owner: 'bob@example.com' },
  ];
  for (const { taskId, name, workerType, owner } of tasks) {
    taskcluster.queue.addTask(taskId, {
      taskGroupId,
      taskQueueId: `proj-demo/${workerType}`,
      metadata: { name, owner, description: `${name} for the demo`, source: 'https://example.com/demo' },
      routes: [`index.proj-demo.latest.${name.replaceAll(' ', '-')}`],
    });
  }

  // The bot, with the fake's credentials; its 'error' events go to stderr.
  const pulse = new PulseClient({ url: pulseUrl });
  pulse.on('error', (error) => console.error(`demo: pulse error: ${error.message}`));
  const queue = new Queue({ rootUrl: taskcluster.rootUrl, credentials: taskcluster.credentials });
  const publisher = new PulsePublisher({ url: pulseUrl });
  // A fresh broker has no Taskcluster exchanges yet: declare them, as a deployment would have.
  await publisher.declareExchanges(QueueEvents, ['taskCompleted']);

  const consuming = new Promise((resolve) => pulse.once('consuming', resolve));
  const outcomes = reportCompletedTasks(pulse, queue, taskGroupId, (line) => console.log(`bot: ${line}`)).pipe(share());
  outcomes.subscribe((outcome) => outcome.status !== 'handled' && console.error(`demo: ${outcome.status}: ${String(outcome.error)}`));
  const allHandled = firstValueFrom(outcomes.pipe(filter((o) => o.status === 'handled'), take(tasks.length), toArray()));
  await consuming; // the bot's queue is bound: nothing published from here on is missed

  // Workers finish the tasks; the queue records each and announces it on Pulse, as Taskcluster does.
  for (const [index, { taskId }] of tasks.entries()) {
    const completed = taskcluster.queue.resolveTask(taskId, 'completed', { workerGroup: 'us-east-1', workerId: `i-00${index}` });
    const published = await publisher.publish(QueueEvents, 'taskCompleted', completed);
    console.log(`queue: published ${published.routingKey}`);
  }

  const handled = await allHandled;
  await Promise.all([pulse.close(), publisher.close()]);
  await closeConnections(); // the REST client's keep-alive sockets
  await taskcluster.close();
  clearTimeout(watchdog);
  const verified = taskcluster.calls.filter((call) => call.api === 'queue.task' && call.auth.scheme === 'hawk').length;
  console.log(`demo: the bot handled ${handled.length} messages and made ${verified} Hawk-verified calls to queue.task; done`);
}
