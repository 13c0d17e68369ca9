import type { GpuStatus } from '../../../shared/status';
import { formatPair, orDash } from '../model/format';

/** Volatile corrected / uncorrected, then aggregate uncorrected, as in `nvidia-smi -q`. */
function eccText(gpu: GpuStatus): string {
  if (gpu.eccMode !== null && gpu.eccMode !== 'Enabled') return gpu.eccMode;
  return `${orDash(gpu.eccCorrectedVolatile)} / ${orDash(gpu.eccUncorrectedVolatile)} (agg ${orDash(gpu.eccUncorrectedAggregate)})`;
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

export function GpuTable({ gpus }: { gpus: readonly GpuStatus[] }) {
  if (gpus.length === 0) return <p className="empty">No GPU reported by the last probe.</p>;
  return (
    <div className="table-wrap">
      <table className="gpu-table" data-testid="gpu-table">
        <thead>
          <tr>
            <th>#</th>
            <th>name</th>
            <th>bus id</th>
            <th>temp</th>
            <th>mem temp</th>
            <th>util</th>
            <th>memory</th>
            <th>power</th>
            <th>pstate</th>
            <th>clock events</th>
            <th title="volatile corrected / uncorrected (aggregate uncorrected)">ECC c/u</th>
            <th>remap</th>
            <th>procs</th>
            <th>health</th>
            <th>reasons</th>
          </tr>
        </thead>
        <tbody>
          {gpus.map((gpu) => (
            <tr key={gpu.index} className={`h-${gpu.health}`} data-testid={`gpu-row-${gpu.index}`} data-health={gpu.health}>
              <td>{gpu.index}</td>
              <td>{gpu.name}</td>
              <td className="mono">{gpu.busId}</td>
              <td>{orDash(gpu.temperatureC, ' °C')}</td>
              <td>{orDash(gpu.memoryTemperatureC, ' °C')}</td>
              <td>{orDash(gpu.utilizationPct, ' %')}</td>
              <td>{formatPair(gpu.memoryUsedMiB, gpu.memoryTotalMiB, 'MiB')}</td>
              <td>{formatPair(gpu.powerW, gpu.powerLimitW, 'W')}</td>
              <td>{orDash(gpu.pstate)}</td>
              <td className="wrap">{gpu.clockEventReasons.length ? gpu.clockEventReasons.join(', ') : '–'}</td>
              <td>{eccText(gpu)}</td>
              <td>{remapText(gpu)}</td>
              <td>{gpu.processes}</td>
              <td>
                <span className={`pill h-${gpu.health}`}>{gpu.health}</span>
              </td>
              <td className="wrap">
                {gpu.reasons.map((r, i) => (
                  <div key={i} data-testid="gpu-reason">
                    {r}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
