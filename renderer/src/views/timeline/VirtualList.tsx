import { useEffect, useRef, useState, type ReactNode } from 'react';

interface Props {
  /** Rows loaded so far. */
  count: number;
  /** Every row is this tall (CSS pixels): the list places rows by arithmetic, never by measuring. */
  rowHeight: number;
  /** Draws row `index`; only the rows in view (and OVERSCAN either side) are drawn. */
  renderRow: (index: number) => ReactNode;
  /** Called when the rows in view come within a screenful of the last loaded one (load the next page). */
  onNearEnd?: () => void;
  label: string;
  testid?: string;
}

/** Rows drawn above and below the visible ones, so a fast flick does not show blank space for a frame. */
const OVERSCAN = 10;

/**
 * A list that draws only what is on screen: at a million events the page holds ~60 rows whatever
 * the depth, and a scroll frame re-renders only when the first visible row changes (scrollTop is
 * reduced to a row index before it reaches React state). Fixed-height rows keep the arithmetic
 * exact; a row's details open below the list instead of growing the row.
 */
export function VirtualList({ count, rowHeight, renderRow, onNearEnd, label, testid }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [first, setFirst] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const resize = new ResizeObserver(() => setHeight(el.clientHeight || 600));
    resize.observe(el);
    return () => resize.disconnect();
  }, []);

  const visible = Math.ceil(height / rowHeight) + 1;
  const start = Math.max(0, first - OVERSCAN);
  const end = Math.min(count, first + visible + OVERSCAN);

  const nearEnd = first + visible * 2 >= count;
  useEffect(() => {
    if (nearEnd) onNearEnd?.();
  }, [nearEnd, count]);

  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    rows.push(
      <div key={i} role="listitem" aria-setsize={-1} aria-posinset={i + 1} className="vrow" style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}>
        {renderRow(i)}
      </div>,
    );
  }
  return (
    <div
      ref={box}
      className="vlist"
      data-testid={testid}
      data-first={first}
      data-count={count}
      // A short list is as tall as its rows; a long one scrolls within the CSS height.
      style={count * rowHeight < 560 ? { height: count * rowHeight + 2 } : undefined}
      tabIndex={0}
      role="region"
      aria-label={label}
      onScroll={(e) => {
        const row = Math.floor(e.currentTarget.scrollTop / rowHeight);
        if (row !== first) setFirst(row);
      }}
    >
      <div role="list" className="vlist-inner" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
