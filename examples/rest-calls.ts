import { Queue, fromEnv, fromNow, slugid, type QueueTypes } from 'taskcluster-pulse';

// TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN (or TASKCLUSTER_PROXY_URL in a task)
const queue = new Queue(fromEnv());

// Positional form: route arguments in order, then the payload, then an optional query.
const taskId = slugid();
const task: QueueTypes.CreateTaskRequest = {
  taskQueueId: 'proj-bots/linux',
  schedulerId: 'my-bot',
  created: new Date().toJSON(),
  deadline: fromNow('2 hours').toJSON(),
  metadata: { name: 'lint', description: 'lint the repo', owner: 'bot@example.com', source: 'https://example.com/bot' },
  payload: { command: ['npm', 'run', 'lint'] },
};
const { status } = await queue.createTask(taskId, task);
console.log(status.state); // pending

// Keyword form: one object with the route arguments by name, `payload` and `query`.
const definition = await queue.task({ taskId });
console.log(definition.metadata.name); // lint (typed: QueueTypes.Task)
