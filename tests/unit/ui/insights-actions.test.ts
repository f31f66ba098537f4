import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Request } from '../../../src/messaging/protocol';
import type { LockableField } from '../../../src/settings/managed-settings';
import { DEFAULT_SETTINGS } from '../../../src/settings/settings';
import { insightsActions } from '../../../src/ui/insights-actions';

beforeEach(() => fakeBrowser.reset());

function actionsWith(denyList: string[], deleted: string[] = [], sent: Request[] = []) {
  return insightsActions({
    log: { deleteSite: async (host) => (deleted.push(host), 7) },
    local: fakeBrowser.storage.local,
    settings: {
      settings: async () => ({ ...DEFAULT_SETTINGS, denyList }),
      policy: async () => ({ settings: {}, locked: new Set<LockableField>(), ignored: [] }),
    },
    sendMessage: async (request) => void sent.push(request),
  });
}

describe('insightsActions', () => {
  it('deletes a site and tells the background to recount', async () => {
    const deleted: string[] = [];
    const sent: Request[] = [];
    expect(await actionsWith([], deleted, sent).deleteSite('a.example')).toBe(7);
    expect(deleted).toEqual(['a.example']);
    expect(sent).toEqual([{ type: 'logChanged' }]);
  });

  it('denies a site in the user\'s settings', async () => {
    expect(await actionsWith([]).denySite('a.example')).toBe('denied');
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({ settings: { denyList: ['a.example'] } });
  });

  it('tells which sites the deny list in force stops', async () => {
    const isDenied = await actionsWith(['*.example.com']).deniedTest();
    expect(isDenied('wiki.example.com')).toBe(true);
    expect(isDenied('example.org')).toBe(false);
    expect(isDenied('')).toBe(false);
  });
});
