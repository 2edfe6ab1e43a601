// Recharts bar charts of the analytics screen; the numbers are always in the table beside them.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Colours readable on the light and the dark theme. */
export const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6'];

export interface Series {
  key: string;
  label: string;
  stack?: string;
}

export function Bars({
  data,
  category,
  series,
  label,
  horizontal,
  height = 220,
}: {
  data: ReadonlyArray<Record<string, unknown>>;
  category: string;
  series: Series[];
  label: string;
  horizontal?: boolean;
  height?: number;
}) {
  return (
    <figure className="an-chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout={horizontal ? 'vertical' : 'horizontal'} margin={{ top: 8, right: 16, bottom: 4, left: horizontal ? 8 : 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="an-grid" />
          {horizontal ? (
            <>
              <XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey={category} width={170} tick={{ fontSize: 11 }} interval={0} />
            </>
          ) : (
            <>
              <XAxis dataKey={category} tick={{ fontSize: 11 }} minTickGap={12} />
              <YAxis allowDecimals={false} width={44} />
            </>
          )}
          <Tooltip wrapperClassName="an-tooltip" cursor={{ fillOpacity: 0.15 }} />
          {series.length > 1 && <Legend />}
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={PALETTE[i % PALETTE.length]} stackId={s.stack} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
