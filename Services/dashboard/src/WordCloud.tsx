import { useMemo } from "react";
import type { WordCount } from "./contract";

const PALETTE = ["#1d4ed8", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#15803d", "#0369a1", "#a16207"];
const MIN_REM = 0.8;
const MAX_REM = 2.8;

// A word keeps its colour as counts change, so the cloud does not flicker on every update.
function colourFor(word: string): string {
  let hash = 0;
  for (let i = 0; i < word.length; i++) hash = (hash * 31 + word.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

/**
 * The top words as a wrapped run of spans, alphabetical so positions stay put while counts change; the font size
 * grows with the square root of the count, between the smallest and largest count shown.
 */
export function WordCloud({ words }: { words: WordCount[] }) {
  const items = useMemo(() => {
    if (!words.length) return [];
    const roots = words.map((w) => Math.sqrt(w.count));
    const lo = Math.min(...roots);
    const span = Math.max(...roots) - lo || 1;
    return words
      .map((w, i) => ({ ...w, size: MIN_REM + ((roots[i] - lo) / span) * (MAX_REM - MIN_REM) }))
      .sort((a, b) => a.value.localeCompare(b.value));
  }, [words]);

  return (
    <section className="panel" id="word-cloud" data-testid="word-cloud">
      <h2>Word cloud</h2>
      {items.length === 0 ? <p className="empty">No words counted yet.</p> : (
        <p className="cloud">
          {items.map((w) => (
            <span key={w.value} className="cloud-word" data-word={w.value} data-count={w.count}
                  title={`${w.value}: ${w.count}`}
                  style={{ fontSize: `${w.size.toFixed(2)}rem`, color: colourFor(w.value) }}>
              {w.value}
            </span>
          ))}
        </p>
      )}
    </section>
  );
}
