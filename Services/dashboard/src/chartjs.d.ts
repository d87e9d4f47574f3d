// Chart.js 3.9 is loaded from chart.min.js with a script tag (Debian ships no npm package or types for it);
// these declarations cover only the calls the dashboard makes on the global `Chart`.

interface ChartPoint {
  x: number;
  y: number;
}

interface ChartInstance {
  data: { datasets: Array<{ data: ChartPoint[] }> };
  update(mode?: "none"): void;
  destroy(): void;
}

interface ChartConstructor {
  new (canvas: HTMLCanvasElement, config: object): ChartInstance;
}

interface Window {
  Chart?: ChartConstructor;
}
