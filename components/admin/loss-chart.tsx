"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface LossSeries {
  label: string;
  color: string;
  values: (number | null)[];
}

/** Loss curves against step (uPlot: fast, small, redraws cheaply as points stream in). */
export function LossChart({
  steps,
  series,
  title,
}: {
  steps: number[];
  series: LossSeries[];
  title: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join(",");

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuild only when the set of series changes
  useEffect(() => {
    if (!el.current) return;
    const width = el.current.clientWidth || 600;
    plot.current = new uPlot(
      {
        width,
        height: 220,
        title,
        scales: { x: { time: false } },
        axes: [{ label: "step", stroke: "#71717a" }, { stroke: "#71717a" }],
        series: [
          { label: "step" },
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, points: { show: false } })),
        ],
      },
      [steps, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el.current,
    );
    const ro = new ResizeObserver(() =>
      plot.current?.setSize({ width: el.current?.clientWidth ?? width, height: 220 }),
    );
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, title]);

  useEffect(() => {
    plot.current?.setData([steps, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [steps, series]);

  return <div ref={el} className="w-full" data-testid={`chart-${title}`} />;
}
