import { useEffect, useRef, useState } from "react";
import { request } from "./api";
import type { AccuracyPoint } from "./contract";
import { formatCount, formatPercent } from "./format";

interface TooltipItem { parsed: ChartPoint }

function chartConfig() {
  return {
    type: "line",
    data: {
      datasets: [{
        label: "accuracy",
        data: [] as ChartPoint[],
        borderColor: "#2563eb",
        backgroundColor: "rgba(37, 99, 235, 0.12)",
        fill: true,
        borderWidth: 2,
        pointRadius: 0,
        pointHitRadius: 6,
        tension: 0.2,
      }],
    },
    options: {
      // Points arrive several times a second; animating each update only costs CPU.
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "nearest", axis: "x", intersect: false },
      scales: {
        x: { type: "linear", title: { display: true, text: "reviews processed" }, ticks: { precision: 0 } },
        y: { title: { display: true, text: "accuracy %" }, suggestedMin: 50, suggestedMax: 100 },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem[]) => `${formatCount(items[0]?.parsed.x)} reviews`,
            label: (item: TooltipItem) => `${item.parsed.y.toFixed(1)} %`,
          },
        },
      },
    },
  };
}

/** Points of the whole history the chart asks for: enough for its width, few enough to draw at once. */
const HISTORY_POINTS = 300;
const HISTORY_REFRESH_MS = 10000;

/**
 * Running accuracy (y, %) against the number of reviews processed (x), drawn with Chart.js: by default the whole
 * history, downsampled by the api-server; "recent" shows the live points of the last batches.
 */
export function AccuracyChart({ points: recent }: { points: AccuracyPoint[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartInstance | null>(null);
  const chartAvailable = typeof window.Chart === "function";
  const [range, setRange] = useState<"history" | "recent">("history");
  const [history, setHistory] = useState<AccuracyPoint[] | null>(null);

  useEffect(() => {
    if (range !== "history") return;
    let current = true;
    const load = () => request<AccuracyPoint[]>(`/api/v1/accuracy/history?points=${HISTORY_POINTS}`)
      .then((loaded) => { if (current) setHistory(loaded); }, () => undefined);
    load();
    const timer = window.setInterval(load, HISTORY_REFRESH_MS);
    return () => { current = false; window.clearInterval(timer); };
  }, [range]);

  // Until the history has loaded (or if it cannot be), the live points stand in for it.
  const points = range === "history" && history && history.length > 0 ? history : recent;

  useEffect(() => {
    if (!canvas.current || !window.Chart) return;
    chart.current = new window.Chart(canvas.current, chartConfig());
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (!chart.current) return;
    chart.current.data.datasets[0].data = points.map((p) => ({ x: p._id, y: p.value * 100 }));
    chart.current.update("none");
  }, [points]);

  const latest = points[points.length - 1];
  return (
    <section className="panel chart-panel" id="accuracy-chart" data-testid="accuracy-chart"
             data-points={points.length} data-latest={latest?.value ?? ""} data-range={range}>
      <h2>Accuracy over reviews</h2>
      <div className="switch" role="group" aria-label="Range">
        <button type="button" aria-pressed={range === "history"} data-testid="accuracy-history" onClick={() => setRange("history")}>whole history</button>
        <button type="button" aria-pressed={range === "recent"} data-testid="accuracy-recent" onClick={() => setRange("recent")}>recent</button>
      </div>
      <p className="panel-note">
        {latest ? `${formatPercent(latest.value)} after ${formatCount(latest._id)} reviews` : "No accuracy points yet"}
      </p>
      <div className="chart-box">
        {chartAvailable
          ? <canvas ref={canvas} role="img" aria-label="Accuracy in percent by number of reviews processed" />
          : <p className="empty">Chart.js did not load.</p>}
      </div>
    </section>
  );
}
