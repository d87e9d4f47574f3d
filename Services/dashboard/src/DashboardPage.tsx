import { AccuracyChart } from "./AccuracyChart";
import type { LiveData } from "./liveState";
import type { Connection } from "./useLiveData";
import { TopProducts } from "./pages/dashboard/TopProducts";
import { PredictionsTable } from "./PredictionsTable";
import { SummaryFigures } from "./SummaryFigures";
import { WordCloud } from "./WordCloud";
import { WordTable } from "./WordTable";

/** Headline figures, accuracy over time, top words (table and cloud) and the latest predictions. */
export function DashboardPage({ data, connection, hidden }: { data: LiveData; connection: Connection; hidden: boolean }) {
  return (
    <section id="page-dashboard" data-testid="page-dashboard" className="page dashboard" hidden={hidden}>
      <SummaryFigures summary={data.summary} />
      <div className="panels">
        <AccuracyChart points={data.accuracy} />
        <TopProducts hidden={hidden} live={connection === "live" ? data.topProducts : null} />
        <WordCloud words={data.words} />
        <WordTable words={data.words} />
        <PredictionsTable predictions={data.predictions} />
      </div>
    </section>
  );
}
