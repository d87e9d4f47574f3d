import { useEffect, useRef } from "react";
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

/** Running accuracy (y, %) against the number of reviews processed (x), drawn with Chart.js. */
export function AccuracyChart({ points }: { points: AccuracyPoint[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartInstance | null>(null);
  const chartAvailable = typeof window.Chart === "function";

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
             data-points={points.length} data-latest={latest?.value ?? ""}>
      <h2>Accuracy over reviews</h2>
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
