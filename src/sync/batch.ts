import type { RecordedEvent } from '../model/activity-event';

export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
}

const encoder = new TextEncoder();
const ENVELOPE_BYTES = encoder.encode('{"events":[]}').length;

export function bodyOf(events: readonly RecordedEvent[]): string {
  return JSON.stringify({ events });
}

/**
 * The longest prefix of `events` (oldest first) whose request body fits the limits. The first
 * event always goes, even alone over the byte limit: the server then says whether it takes it.
 */
export function fitBatch(events: readonly RecordedEvent[], limits: BatchLimits): RecordedEvent[] {
  const batch: RecordedEvent[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const event of events) {
    if (batch.length >= limits.maxEvents) break;
    const size = encoder.encode(JSON.stringify(event)).length + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && bytes + size > limits.maxBytes) break;
    batch.push(event);
    bytes += size;
  }
  return batch;
}
