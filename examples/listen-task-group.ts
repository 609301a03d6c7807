// Follows the tasks of one task group as they resolve, from three exchanges at once.
// Usage: tsx examples/listen-task-group.ts <taskGroupId> [how many messages]
import { take } from 'rxjs';
import { PulseClient, QueueEvents } from 'taskcluster-pulse';

const [taskGroupId = 'fN1SbArXTPSVFNUvaOlinQ', count = '10'] = process.argv.slice(2);
const pulse = PulseClient.fromEnv();
const queueEvents = new QueueEvents();

const completed = queueEvents.taskCompleted({ taskGroupId });
const failed = queueEvents.taskFailed({ taskGroupId });
const exception = queueEvents.taskException({ taskGroupId });

pulse
  .listen([completed, failed, exception])
  .pipe(take(Number(count)))
  .subscribe({
    next: (message) => {
      // One stream, three payload types: is() tells them apart and narrows the type.
      if (message.is(exception)) console.log(`${message.fields.taskId} exception: ${message.payload.status.runs.at(-1)?.reasonResolved}`);
      else if (message.is(failed)) console.log(`${message.fields.taskId} failed on ${message.payload.workerId}`);
      else console.log(`${message.fields.taskId} completed, routes: ${message.routes.join(' ') || '-'}`);
    },
    complete: () => void pulse.close(),
  });
