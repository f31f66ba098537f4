import { describe, expect, it } from 'vitest';
import { randomUuid, uuidv5 } from '../../../src/history/uuidv5';

// RFC 9562's DNS namespace, with a published example value.
const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('uuidv5', () => {
  it('matches the RFC example (www.example.com in the DNS namespace)', async () => {
    expect(await uuidv5(DNS_NAMESPACE, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is stable for the same namespace and name, and differs across namespaces', async () => {
    const install = randomUuid();
    expect(await uuidv5(install, 'visit:42')).toBe(await uuidv5(install, 'visit:42'));
    expect(await uuidv5(install, 'visit:42')).not.toBe(await uuidv5(randomUuid(), 'visit:42'));
    expect(await uuidv5(install, 'visit:42')).not.toBe(await uuidv5(install, 'visit:43'));
  });

  it('refuses a namespace that is not a UUID', async () => {
    await expect(uuidv5('install-1', 'x')).rejects.toThrow(/not a UUID/);
  });
});
