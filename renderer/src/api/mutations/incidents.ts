import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { IncidentExportFormat, IncidentSeverity, IncidentView } from '../../../../shared/incident';
import { call } from '../client';
import { FleetApiError } from '../errors';
import { applyIncident } from '../incident-cache';
import { incidentQueries } from '../queries/incidents';
import { base64Bytes, bytesBase64, saveFile } from '../save-file';

/** What a page sends at most: the serve socket's message limit (electron/serve/server.ts MAX_SOCKET_MESSAGE) less base64's third. */
export const MAX_PAGE_IMPORT_BYTES = 48_000_000;

/** Acknowledge, resolve, close, annotate: the answer is the incident as it is now. */
export function useIncidentAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (
      a: { id: string; action: 'ack' | 'resolve' | 'close' } | { id: string; action: 'note'; text: string } | { id: string; action: 'severity'; severity: IncidentSeverity; reason?: string },
    ): Promise<IncidentView> =>
      a.action === 'note'
        ? call('incidents.note', { id: a.id, text: a.text })
        : a.action === 'severity'
          ? call('incidents.setSeverity', { id: a.id, severity: a.severity, ...(a.reason ? { reason: a.reason } : {}) })
          : call(`incidents.${a.action}`, { id: a.id }),
    // The answer may overtake its push, or the push it: either way the same view lands in the cache.
    onSuccess: (view) => applyIncident(client, view),
  });
}

/** The incident as a signed bundle or a report, saved as a file (the same bytes as `fleetops incident export`). */
export function useExportIncident() {
  return useMutation({
    mutationFn: async ({ id, format }: { id: string; format: IncidentExportFormat }) => {
      const file = await call('incidents.export', { id, format });
      saveFile(base64Bytes(file.base64), file.fileName, file.mediaType);
      return file;
    },
  });
}

/**
 * A bundle file imported whole or refused (the part named); an unknown signer is refused until
 * the person says to accept it (`trust`). The imported incident lands in the cache and its page opens.
 */
export function useImportIncident() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ file, trust }: { file: Blob; trust: boolean }): Promise<IncidentView> => {
      if (file.size > MAX_PAGE_IMPORT_BYTES) {
        throw new FleetApiError('BAD_REQUEST', `${Math.round(file.size / 1e6)} MB is more than a page sends (${MAX_PAGE_IMPORT_BYTES / 1e6} MB): use \`fleetops incident import FILE\` or \`fleetops review FILE\``);
      }
      const base64 = bytesBase64(new Uint8Array(await file.arrayBuffer()));
      return call('incidents.import', { base64, ...(trust ? { trust: true } : {}) });
    },
    onSuccess: (view) => {
      applyIncident(client, view);
      void client.invalidateQueries({ queryKey: incidentQueries.all() });
    },
  });
}
