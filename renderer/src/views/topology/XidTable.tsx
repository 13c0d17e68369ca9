import type { XidEvent } from '../../../../shared/status';
import { formatDuration } from '../../model/format';

export function XidTable({ xids }: { xids: readonly XidEvent[] }) {
  if (xids.length === 0) return <p className="empty">No XID in the kernel log window.</p>;
  return (
    <div className="table-wrap">
      <table className="xid-table" data-testid="xid-table">
        <thead>
          <tr>
            <th>XID</th>
            <th>bus id</th>
            <th>age</th>
            <th>meaning</th>
            <th>action</th>
          </tr>
        </thead>
        <tbody>
          {xids.map((x, i) => (
            <tr key={`${x.busId}-${x.uptimeSeconds}-${i}`} className={`h-${x.severity}`} title={x.text}>
              <td>{x.code}</td>
              <td className="mono">{x.busId}</td>
              <td>{formatDuration(x.ageSeconds * 1000)} ago</td>
              <td>{x.meaning}</td>
              <td>{x.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
