/**
 * events.otel.jsonl: an incident's events as OpenTelemetry log records in the OTLP/JSON mapping,
 * one per line, each line a whole ExportLogsServiceRequest — the OpenTelemetry file exporter's
 * format (https://opentelemetry.io/docs/specs/otel/protocol/file-exporter/), so an OTel
 * collector's otlpjsonfile receiver, or anything reading OTLP, takes the file as it is:
 *
 *   resource  service.name "fleetops", host.name (the exporting console's host)
 *   record    timeUnixNano (a string: int64 in OTLP/JSON), severityNumber/severityText
 *             (info 9 INFO, warning 13 WARN, error 17 ERROR), body.stringValue (the message),
 *             attributes fleetops.kind, fleetops.subject, fleetops.event_id, fleetops.origin,
 *             fleetops.data (the event's data as a JSON string); absent where null.
 */
import { z } from 'zod';
import type { TimelineEntry } from '../../../../shared/timeline';
import { parseJson } from '../../bundle/read-bundle';
import { checkPart, partInvalid } from './part-check';

/** An event as a bundle carries it: the timeline's entry. */
export type BundleEvent = TimelineEntry;

const SEVERITY_NUMBER = { info: 9, warning: 13, error: 17 } as const;
const SEVERITY_TEXT = { info: 'INFO', warning: 'WARN', error: 'ERROR' } as const;
const SEVERITY_OF = new Map<number, BundleEvent['severity']>([
  [9, 'info'],
  [13, 'warning'],
  [17, 'error'],
]);

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One line (no newline) of events.otel.jsonl. */
export function otelLine(e: BundleEvent, host: string): string {
  const attributes = [str('fleetops.kind', e.kind)];
  if (e.subject !== null) attributes.push(str('fleetops.subject', e.subject));
  const id = { key: 'fleetops.event_id', value: { intValue: String(e.id) } };
  const tail = [];
  if (e.origin !== null) tail.push(str('fleetops.origin', e.origin));
  if (e.data !== undefined) tail.push(str('fleetops.data', JSON.stringify(e.data)));
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'fleetops'), str('host.name', host)] },
        scopeLogs: [
          {
            scope: { name: 'fleetops' },
            logRecords: [
              {
                timeUnixNano: `${e.ts}000000`,
                severityNumber: SEVERITY_NUMBER[e.severity],
                severityText: SEVERITY_TEXT[e.severity],
                body: { stringValue: e.message },
                attributes: [...attributes, id, ...tail],
              },
            ],
          },
        ],
      },
    ],
  });
}

const AnyValue = z.object({ stringValue: z.string().optional(), intValue: z.union([z.string().regex(/^-?\d{1,19}$/), z.number().int()]).optional() });
const KeyValue = z.object({ key: z.string().max(200), value: AnyValue });
const LogRecord = z.object({
  timeUnixNano: z.string().regex(/^\d{1,20}$/, 'expected nanoseconds since the epoch as a string of digits'),
  severityNumber: z.number().int(),
  severityText: z.string(),
  body: z.object({ stringValue: z.string() }),
  attributes: z.array(KeyValue).max(32),
});
/** One line: a request holding exactly one record (what otelLine writes), checked around the record first. */
const OtelEnvelope = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource: z.object({ attributes: z.array(KeyValue).max(32) }),
        scopeLogs: z.array(z.object({ scope: z.object({ name: z.string() }).optional(), logRecords: z.array(z.unknown()).length(1) })).length(1),
      }),
    )
    .length(1),
});

/**
 * The event of one line (already JSON-parsed by the bundle reader), or BUNDLE_INVALID at
 * `where` ("events.otel.jsonl line 17"); a problem inside the record is named by the record's
 * own field ("severityNumber: …"). The origin it had is not taken from the line: an importer
 * gives the events their origin (the bundle's).
 */
export function eventOfLine(value: unknown, where: string): Omit<BundleEvent, 'origin'> {
  const envelope = checkPart(OtelEnvelope, value, where);
  const r = checkPart(LogRecord, envelope.resourceLogs[0]!.scopeLogs[0]!.logRecords[0], where);
  const severity = SEVERITY_OF.get(r.severityNumber);
  if (!severity) throw partInvalid(where, `severityNumber: expected 9 (INFO), 13 (WARN) or 17 (ERROR), got ${r.severityNumber}`);
  if (r.severityText !== SEVERITY_TEXT[severity]) throw partInvalid(where, `severityText: expected ${SEVERITY_TEXT[severity]} for severityNumber ${r.severityNumber}, got ${JSON.stringify(r.severityText).slice(0, 40)}`);
  const ts = Number(BigInt(r.timeUnixNano) / 1_000_000n);
  if (!Number.isSafeInteger(ts)) throw partInvalid(where, `timeUnixNano: out of range`);
  const attr = new Map(r.attributes.map((a) => [a.key, a.value]));
  const text = (key: string, required: boolean): string | null => {
    const v = attr.get(key);
    if (v === undefined) {
      if (required) throw partInvalid(where, `attributes: ${key} is missing`);
      return null;
    }
    if (v.stringValue === undefined) throw partInvalid(where, `attributes: ${key}: expected a stringValue`);
    return v.stringValue;
  };
  const kind = text('fleetops.kind', true)!;
  if (kind === '') throw partInvalid(where, 'attributes: fleetops.kind is empty');
  const idValue = attr.get('fleetops.event_id')?.intValue;
  if (idValue === undefined) throw partInvalid(where, 'attributes: fleetops.event_id: expected an intValue');
  const id = Number(idValue);
  if (!Number.isSafeInteger(id)) throw partInvalid(where, 'attributes: fleetops.event_id: out of range');
  const data = text('fleetops.data', false);
  const event: Omit<BundleEvent, 'origin'> = { id, ts, kind, subject: text('fleetops.subject', false), severity, message: r.body.stringValue };
  if (data !== null) event.data = parseJson(data, `${where}: fleetops.data`);
  return event;
}
