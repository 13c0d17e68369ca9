import { HistoryRange } from '../../../shared/history';

const LABELS: Record<HistoryRange, string> = { '1h': '1 h', '24h': '24 h', '30d': '30 d' };

/** 1 h (every probe) / 24 h / 30 d (rollups): one radio group per plot panel. */
export function RangeSwitch({ value, onChange, name }: { value: HistoryRange; onChange: (r: HistoryRange) => void; name: string }) {
  return (
    <div className="range-switch" role="radiogroup" aria-label={`${name}: time range`}>
      {HistoryRange.options.map((r) => (
        <button key={r} type="button" role="radio" aria-checked={value === r} data-testid={`range-${r}`} onClick={() => onChange(r)}>
          {LABELS[r]}
        </button>
      ))}
    </div>
  );
}
