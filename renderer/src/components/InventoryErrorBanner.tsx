import type { FleetSnapshot } from '../../../shared/contract';
import { formatInventoryErrors } from '../model/inventory-errors';

export function InventoryErrorBanner({ snapshot }: { snapshot: Pick<FleetSnapshot, 'inventoryError' | 'topology'> }) {
  const error = snapshot.inventoryError;
  if (!error) return null;
  const lines = formatInventoryErrors(error.detail);
  return (
    <div className="banner banner-inventory" role="alert" data-testid="inventory-error">
      <div className="banner-title">
        <code className="error-code">{error.code}</code> {error.message}
      </div>
      {lines.length > 0 ? (
        <ul className="inventory-errors">
          {lines.map((line, i) => (
            <li key={i} className="mono" data-testid="inventory-error-entry">
              {line}
            </li>
          ))}
        </ul>
      ) : null}
      <div>
        {snapshot.topology
          ? `The last good inventory (${snapshot.topology.path}) is still in use until the file is fixed.`
          : 'No inventory is loaded: nothing is being monitored until the file is fixed.'}
      </div>
    </div>
  );
}
