/**
 * Routing-key fields that a Taskcluster message also carries in its payload:
 * under the same name at the top (`runId`, `workerGroup`, `taskGroupId` of a
 * task group) or in the task status (`status.taskId`, `status.provisionerId`).
 * The service builds both from the same data, so a published message whose
 * flags and payload disagree is one no real deployment would send.
 */
function payloadSlot(payload: unknown, field: string): { holder: Record<string, unknown>; value: unknown } | undefined {
  if (!isObject(payload)) return undefined;
  if (field in payload) return { holder: payload, value: payload[field] };
  const status = payload.status;
  if (isObject(status) && field in status) return { holder: status, value: status[field] };
  return undefined;
}

/** `--runId 1` against a payload with `runId: 0`: one line per field that disagrees. */
export function fieldPayloadMismatches(fields: Readonly<Record<string, string>>, payload: unknown): string[] {
  const mismatches: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    const slot = payloadSlot(payload, field);
    if (!slot || !isScalar(slot.value) || String(slot.value) === value) continue;
    const where = slot.holder === payload ? field : `status.${field}`;
    mismatches.push(`--${field} is "${value}" but the payload's ${where} is ${JSON.stringify(slot.value)}`);
  }
  return mismatches;
}

/** Writes the fields into a payload where it carries them (numbers stay numbers), so that a template agrees with its flags. */
export function putFieldsIntoPayload(fields: Readonly<Record<string, string>>, payload: unknown): void {
  for (const [field, value] of Object.entries(fields)) {
    const slot = payloadSlot(payload, field);
    if (!slot || !isScalar(slot.value)) continue;
    const number = Number(value);
    slot.holder[field] = typeof slot.value === 'number' && value.trim() !== '' && Number.isFinite(number) ? number : value;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
