import type { TopProductsEvent } from "./api/products";
import type { AccuracyPoint, Prediction, Summary, WordCount } from "./contract";

/** Everything the dashboard page shows, kept up to date by `useLiveData`. */
export interface LiveData {
  /** Top words, count descending (ties by word), at most `TOP_WORDS`. */
  words: WordCount[];
  /** Newest first, at most `MAX_PREDICTIONS`. */
  predictions: Prediction[];
  /** Ascending by total reviews, at most `MAX_ACCURACY_POINTS`. */
  accuracy: AccuracyPoint[];
  summary: Summary | null;
  /** The newest `products` event; null until the stream sends one (the panel loads its own first view). */
  topProducts: TopProductsEvent | null;
}

/** A change to `LiveData`: a stream event, or a snapshot fetched with the GET endpoints. */
export type LiveUpdate =
  | { kind: "words"; words: WordCount[] }
  | { kind: "predictions"; predictions: Prediction[] }
  | { kind: "accuracy"; points: AccuracyPoint[] }
  | { kind: "summary"; summary: Summary }
  | { kind: "products"; top: TopProductsEvent };

export const TOP_WORDS = 100;
export const MAX_PREDICTIONS = 100;
export const MAX_ACCURACY_POINTS = 1000;

export const emptyLiveData: LiveData = { words: [], predictions: [], accuracy: [], summary: null, topProducts: null };

// Snapshots and stream events can arrive in either order (the stream opens while the GETs are in flight, and
// polling resumes when it drops), so every update is a merge that is safe to apply twice or late: word counts
// only grow, predictions are keyed by id, accuracy points by total count.

function mergeWords(current: WordCount[], changed: WordCount[]): WordCount[] {
  const counts = new Map(current.map((w) => [w.value, w.count]));
  for (const w of changed) {
    if (!w || typeof w.value !== "string" || typeof w.count !== "number") continue;
    counts.set(w.value, Math.max(w.count, counts.get(w.value) ?? 0));
  }
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, TOP_WORDS);
}

function processedTime(p: Prediction): number {
  const t = p.processedAt ? Date.parse(p.processedAt) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

function mergePredictions(current: Prediction[], incoming: Prediction[]): Prediction[] {
  // First occurrence wins: `incoming` is newest first and React needs unique row keys.
  const byId = new Map<string, Prediction>();
  for (const p of [...incoming, ...current]) {
    const id = p && (typeof p._id === "string" || typeof p._id === "number") ? String(p._id) : null;
    if (id !== null && !byId.has(id)) byId.set(id, p);
  }
  const merged = [...byId.values()];
  // Stable sort: rows without a timestamp keep their arrival order.
  if (merged.every((p) => p.processedAt)) merged.sort((a, b) => processedTime(b) - processedTime(a));
  return merged.slice(0, MAX_PREDICTIONS);
}

function mergeAccuracy(current: AccuracyPoint[], incoming: AccuracyPoint[]): AccuracyPoint[] {
  const byTotal = new Map(current.map((p) => [p._id, p]));
  for (const p of incoming) {
    if (p && typeof p._id === "number" && typeof p.value === "number") byTotal.set(p._id, p);
  }
  return [...byTotal.values()].sort((a, b) => a._id - b._id).slice(-MAX_ACCURACY_POINTS);
}

/** Applies one update; returns the same object when nothing changed (or the payload is malformed). */
export function applyLiveUpdate(state: LiveData, update: LiveUpdate): LiveData {
  switch (update.kind) {
    case "words":
      return Array.isArray(update.words) && update.words.length
        ? { ...state, words: mergeWords(state.words, update.words) } : state;
    case "predictions":
      return Array.isArray(update.predictions) && update.predictions.length
        ? { ...state, predictions: mergePredictions(state.predictions, update.predictions) } : state;
    case "accuracy":
      return Array.isArray(update.points) && update.points.length
        ? { ...state, accuracy: mergeAccuracy(state.accuracy, update.points) } : state;
    case "summary":
      return update.summary && typeof update.summary === "object" ? { ...state, summary: update.summary } : state;
    case "products":
      return update.top && Array.isArray(update.top.byReviews) && Array.isArray(update.top.byRating)
        ? { ...state, topProducts: update.top } : state;
  }
}
