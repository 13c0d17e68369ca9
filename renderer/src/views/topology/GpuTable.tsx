import type { GpuStatus } from '../../../../shared/status';
import { formatGpuMemory, formatPair, orDash } from '../../model/format';

/** Volatile corrected / uncorrected, then aggregate uncorrected, as in `nvidia-smi -q`. */
function eccText(gpu: GpuStatus): string {
  if (gpu.eccMode !== null && gpu.eccMode !== 'Enabled') return gpu.eccMode;
  return `${orDash(gpu.eccCorrectedVolatile)} / ${orDash(gpu.eccUncorrectedVolatile)} (${orDash(gpu.eccUncorrectedAggregate)})`;
}

/** Only what needs attention is named; "ok" when the driver reported nothing pending or failed. */
function remapText(gpu: GpuStatus): string {
  const flags = [gpu.remappedRowsPending, gpu.remappedRowsFailure, gpu.retiredPagesPending];
  if (flags.every((f) => f === null)) return '–';
  const problems: string[] = [];
  if (gpu.remappedRowsPending) problems.push('rows pending');
  if (gpu.remappedRowsFailure) problems.push('remap FAILED');
  if (gpu.retiredPagesPending) problems.push('pages pending');
  return problems.length > 0 ? problems.join(', ') : 'ok';
}

function tempText(gpu: GpuStatus): string {
  if (gpu.temperatureC === null && gpu.memoryTemperatureC === null) return '–';
  return `${orDash(gpu.temperatureC)} / ${orDash(gpu.memoryTemperatureC)} °C`;
}

/** Watts without decimals: "695 / 700 W". */
function powerText(gpu: GpuStatus): string {
  const w = (v: number | null) => (v === null ? '–' : String(Math.round(v)));
  return gpu.powerW === null && gpu.powerLimitW === null ? '–' : `${w(gpu.powerW)} / ${w(gpu.powerLimitW)} W`;
}

/**
 * Columns in order, each cell carrying its column's class. On a narrow drawer bus id, pstate,
 * remap and procs go first, then memory, power, clock events and ECC (styles.css, container
 * queries on the drawer); whatever a row does not show is in its tooltip.
 */
const COLUMNS: readonly { label: string; className: string; title?: string }[] = [
  { label: '#', className: 'c-index' },
  { label: 'bus id', className: 'c-bus' },
  { label: 'temp', className: 'c-temp', title: 'GPU / memory temperature' },
  { label: 'util', className: 'c-util' },
  { label: 'memory', className: 'c-mem', title: 'used / total' },
  { label: 'power', className: 'c-power', title: 'draw / limit' },
  { label: 'pstate', className: 'c-pstate' },
  { label: 'clock events', className: 'c-clocks' },
  { label: 'ECC c/u', className: 'c-ecc', title: 'volatile corrected / uncorrected (aggregate uncorrected)' },
  { label: 'remap', className: 'c-remap' },
  { label: 'procs', className: 'c-procs' },
  { label: 'health', className: 'c-health' },
  { label: 'reasons', className: 'c-reasons' },
];

/** Everything about one GPU, one fact a line: the row's tooltip. */
function rowTitle(gpu: GpuStatus): string {
  return [
    `GPU ${gpu.index} · ${gpu.name} · ${gpu.health}`,
    `bus id ${gpu.busId} · pstate ${orDash(gpu.pstate)} · ${gpu.processes} processes`,
    `temperature ${tempText(gpu)} · util ${orDash(gpu.utilizationPct, ' %')}`,
    `memory ${formatPair(gpu.memoryUsedMiB, gpu.memoryTotalMiB, 'MiB')} · power ${formatPair(gpu.powerW, gpu.powerLimitW, 'W')}`,
    `clock events ${gpu.clockEventReasons.join(', ') || '–'}`,
    `ECC ${eccText(gpu)} · remap ${remapText(gpu)}`,
    ...gpu.reasons,
  ].join('\n');
}

/**
 * One line per GPU, never wider than the drawer: a fixed layout, long cells cut with an ellipsis
 * (their full text in the cell's and the row's tooltip), and the less urgent columns dropped on a
 * narrow drawer.
 */
export function GpuTable({ gpus }: { gpus: readonly GpuStatus[] }) {
  if (gpus.length === 0) return <p className="empty">No GPU reported by the last probe.</p>;
  return (
    <div className="gpu-table-wrap">
      <table className="gpu-table" data-testid="gpu-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.label} scope="col" className={c.className} title={c.title}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {gpus.map((gpu) => {
            const clocks = gpu.clockEventReasons.length ? gpu.clockEventReasons.join(', ') : '–';
            return (
              <tr key={gpu.index} className={`h-${gpu.health}`} data-testid={`gpu-row-${gpu.index}`} data-health={gpu.health} title={rowTitle(gpu)}>
                <td className="c-index">{gpu.index}</td>
                <td className="c-bus mono">{gpu.busId}</td>
                <td className="c-temp">{tempText(gpu)}</td>
                <td className="c-util">{orDash(gpu.utilizationPct, ' %')}</td>
                <td className="c-mem">{formatGpuMemory(gpu.memoryUsedMiB, gpu.memoryTotalMiB)}</td>
                <td className="c-power">{powerText(gpu)}</td>
                <td className="c-pstate">{orDash(gpu.pstate)}</td>
                <td className="c-clocks" title={clocks}>
                  {clocks}
                </td>
                <td className="c-ecc">{eccText(gpu)}</td>
                <td className="c-remap">{remapText(gpu)}</td>
                <td className="c-procs">{gpu.processes}</td>
                <td className="c-health">
                  <span className={`pill h-${gpu.health}`}>{gpu.health}</span>
                </td>
                <td className="c-reasons" title={gpu.reasons.join('\n')}>
                  {gpu.reasons.map((r, i) => (
                    <span key={i} data-testid="gpu-reason">
                      {i > 0 ? ' · ' : ''}
                      {r}
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
