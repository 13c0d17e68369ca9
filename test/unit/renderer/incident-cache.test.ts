/**
 * `incident.updated` into the query cache (renderer/src/api/incident-cache.ts): the incident's
 * page replaced, its list row replaced in place or added in start order (newest first), no list
 * made up when none was fetched.
 */
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { IncidentView } from '../../../shared/incident';
import { applyIncident, mergeIncidentIntoList } from '../../../renderer/src/api/incident-cache';
import { applyPushEvent } from '../../../renderer/src/api/push-sync';
import { incidentQueries } from '../../../renderer/src/api/queries/incidents';

const view = (id: string, startedAt: number, over: Partial<IncidentView> = {}): IncidentView => ({
  id,
  title: `incident ${id}`,
  severity: 'sev3',
  status: 'open',
  scope: 'region:us-west-2',
  openedBy: 'rule',
  startedAt,
  subjects: 1,
  severityReason: 'node',
  milestones: [{ name: 'started', at: startedAt, source: 'rule', by: null, original: null }],
  affected: [{ subject: 'n1', kind: 'node', firstBadAt: startedAt, health: 'unreachable', changedAt: startedAt }],
  notes: [],
  derived: { detectSeconds: 0, acknowledgeSeconds: null, mitigateSeconds: null, resolveSeconds: null },
  ...over,
});

describe('incident cache', () => {
  it('replaces a row in place and puts a new one where its start time says', () => {
    const list = [view('c', 300), view('a', 100)].map((v) => ({ id: v.id, title: v.title, severity: v.severity, status: v.status, scope: v.scope, openedBy: v.openedBy, startedAt: v.startedAt, subjects: 1 }));
    expect(mergeIncidentIntoList(list, view('b', 200)).map((i) => i.id)).toEqual(['c', 'b', 'a']);
    expect(mergeIncidentIntoList(list, view('d', 400)).map((i) => i.id)).toEqual(['d', 'c', 'a']);
    expect(mergeIncidentIntoList(list, view('z', 50)).map((i) => i.id)).toEqual(['c', 'a', 'z']);
    const resolved = mergeIncidentIntoList(list, view('a', 100, { status: 'resolved' }));
    expect(resolved.map((i) => [i.id, i.status])).toEqual([['c', 'open'], ['a', 'resolved']]);
  });

  it('a push lands on the incident’s page and its list row; no list is invented when none was fetched', () => {
    const client = new QueryClient();
    applyPushEvent(client, { event: 'incident.updated', payload: view('a', 100) });
    expect(client.getQueryData(incidentQueries.one('a').queryKey)?.status).toBe('open');
    expect(client.getQueryData(incidentQueries.list().queryKey)).toBeUndefined();
    client.setQueryData(incidentQueries.list().queryKey, []);
    applyIncident(client, view('a', 100, { status: 'closed' }));
    expect(client.getQueryData(incidentQueries.list().queryKey)?.map((i) => i.status)).toEqual(['closed']);
    expect(client.getQueryData(incidentQueries.one('a').queryKey)?.status).toBe('closed');
  });
});
