import type { Summary } from "./contract";
import { formatCount, formatPercent, formatRate } from "./format";

function Figure({ id, label, value, display, hint }:
  { id: string; label: string; value: number | string | null | undefined; display: string; hint?: string }) {
  return (
    <div className="figure" id={`figure-${id}`} data-testid={`figure-${id}`} data-value={value ?? ""}>
      <div className="figure-value" title={hint}>{display}</div>
      <div className="figure-label">{label}</div>
    </div>
  );
}

/**
 * A model version id ("20261205T135500-ab12cd34": creation time and a hash) as a short id for the card and its
 * creation time for the label, so the card stays on one line; the full id is the card's tooltip.
 */
export function modelVersionParts(version: string | null): { id: string; created: string | null } {
  if (!version) return { id: "none", created: null };
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})\d*-([0-9a-f]+)$/.exec(version);
  return match ? { id: match[6].slice(0, 8), created: `${match[1]}-${match[2]}-${match[3]} ${match[4]}:${match[5]}` }
               : { id: version, created: null };
}

/** The headline numbers from `/api/v1/summary`. */
export function SummaryFigures({ summary }: { summary: Summary | null }) {
  const s = summary;
  const model = modelVersionParts(s?.modelVersion ?? null);
  return (
    <div className="figures" aria-label="Summary">
      <Figure id="reviews" label="reviews processed" value={s?.reviews} display={formatCount(s?.reviews)} />
      <Figure id="accuracy" label="accuracy" value={s?.accuracy} display={formatPercent(s?.accuracy)}
              hint={s ? `${formatCount(s.correct)} of ${formatCount(s.reviews)} predicted correctly` : undefined} />
      <Figure id="rate" label="reviews / min" value={s?.reviewsPerMinute} display={formatRate(s?.reviewsPerMinute)} />
      <Figure id="model" label={model.created ? `model of ${model.created}` : "model version"} value={s?.modelVersion}
              display={s ? model.id : "–"} hint={s?.modelVersion ?? undefined} />
      <Figure id="words" label="distinct words" value={s?.distinctWords} display={formatCount(s?.distinctWords)} />
      <Figure id="dead-lettered" label="dead-lettered" value={s?.deadLettered} display={formatCount(s?.deadLettered)} />
    </div>
  );
}
