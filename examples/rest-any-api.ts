import { createClient, fetchClients, fromEnv, type ApiReference } from 'taskcluster-pulse';

const options = fromEnv();

// Clients for whatever the deployment runs, from its /references/ (methods untyped):
const clients = await fetchClients(options.rootUrl, { ...options, services: ['queue'] });
const queue = clients.queue!;
console.log(queue.buildUrl(queue.task!, 'abc'));

// Or from a reference you already have:
const reference = (await (await fetch(`${options.rootUrl}/references/secrets/v1/api.json`)).json()) as ApiReference;
const secrets = createClient(reference, options);
console.log(secrets.buildUrl(secrets.get!, 'project/bot/token'));
