// Waits for one task to complete and prints its final state.
// Usage: PULSE_URL=amqps://user:password@pulse.example.com:5671 tsx examples/listen-task-completed.ts <taskId>
import { firstValueFrom } from 'rxjs';
import { QueueEvents, listen } from 'taskcluster-pulse';

const taskId = process.argv[2] ?? 'fN1SbArXTPSVFNUvaOlinQ';
const queueEvents = new QueueEvents();

const message = await firstValueFrom(listen(queueEvents.taskCompleted({ taskId })));
// message.payload is a QueueTypes.TaskCompletedMessage; message.fields the decoded routing key.
console.log(`${message.fields.taskId} run ${message.payload.runId}: ${message.payload.status.state} on ${message.payload.workerId}`);
