import { createRequire } from 'node:module';
import type { Agent } from 'undici';

// Storage lives on other origins than the deployment (S3, a CDN, a task's
// reference URL), so transfers go through an Agent (a pool per origin),
// loaded on first use like the REST client's Pool: importing the package
// must stay cheap for a bot that never downloads.
const require = createRequire(import.meta.url);
let agent: Agent | undefined;

/** The shared Agent for data transfers. Idle sockets do not keep the process alive. */
export function transferAgent(): Agent {
  if (agent === undefined) {
    let AgentClass: typeof Agent;
    try {
      AgentClass = require('undici/lib/dispatcher/agent.js') as typeof Agent;
    } catch {
      AgentClass = (require('undici') as { Agent: typeof Agent }).Agent;
    }
    agent = new AgentClass({ connections: 16 });
  }
  return agent;
}

/** Closes the data-transfer connections (a clean shutdown; later transfers open new ones). */
export async function closeTransferConnections(): Promise<void> {
  const closing = agent;
  agent = undefined;
  await closing?.close();
}
