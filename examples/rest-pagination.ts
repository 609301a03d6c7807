import { Queue, fromEnv } from 'taskcluster-pulse';

const queue = new Queue(fromEnv());
const taskGroupId = process.argv[2] ?? 'fN1SbArXTPSVFNUvaOlinQ';

// Every item of every page: follows continuationToken until there is none.
for await (const { task, status } of queue.items(queue.listTaskGroup, taskGroupId, { limit: 2 })) {
  console.log(status.taskId, status.state, task.metadata.name);
}

// Or page by page (each page is the method's typed answer):
let pages = 0;
for await (const page of queue.pages(queue.listTaskGroup, { taskGroupId, query: { limit: 2 } })) {
  pages += 1;
  console.log(`page ${pages}: ${page.tasks.length} tasks`);
}
