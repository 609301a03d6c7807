/** `task-completed-message.json` → `TaskCompletedMessage`; `worker-manager` → `WorkerManager`. */
export function pascalCase(name: string): string {
  return name
    .replace(/\.json$/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** `worker-manager` → `workerManager`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal[0]!.toLowerCase() + pascal.slice(1);
}

/** The type name of a schema document, from its canonical path. */
export function schemaTypeName(path: string): string {
  return pascalCase(path.split('/').pop()!);
}
