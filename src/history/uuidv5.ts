import { formatUuid } from '../model/uuid-format';

/**
 * UUIDv5 (RFC 9562): the SHA-1 of a namespace UUID and a name, so the same visit always gets
 * the same id — importing history twice records nothing twice, here or at the server.
 */
export async function uuidv5(namespace: string, name: string): Promise<string> {
  const namespaceBytes = parseUuid(namespace);
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(namespaceBytes.length + nameBytes.length);
  input.set(namespaceBytes);
  input.set(nameBytes, namespaceBytes.length);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-1', input)).slice(0, 16);
  return formatUuid(hash, 5);
}

/** A random (version 4) UUID: the per-install namespace. */
export function randomUuid(): string {
  return crypto.randomUUID();
}

function parseUuid(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

