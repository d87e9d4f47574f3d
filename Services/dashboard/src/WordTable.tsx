import { useMemo, useState } from "react";
import type { WordCount } from "./contract";
import { formatCount } from "./format";

type SortKey = "count" | "word";
type Direction = "asc" | "desc";

const PAGE_SIZE = 20;

/** The top words with their rank by count; sortable by word or count, 20 rows a page. */
export function WordTable({ words }: { words: WordCount[] }) {
  const [sortKey, setSortKey] = useState<SortKey>("count");
  const [direction, setDirection] = useState<Direction>("desc");
  const [page, setPage] = useState(0);

  const rows = useMemo(() => {
    // `words` arrives ranked by count, which gives each word its rank whatever the display order.
    const ranked = words.map((w, i) => ({ ...w, rank: i + 1 }));
    const sign = direction === "asc" ? 1 : -1;
    return ranked.sort((a, b) => sign * (sortKey === "word"
      ? a.value.localeCompare(b.value)
      : a.count - b.count || b.value.localeCompare(a.value)));
  }, [words, sortKey, direction]);

  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  // Stay on a valid page when the list shrinks under us.
  const current = Math.min(page, pages - 1);
  const visible = rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  const sortBy = (key: SortKey) => {
    if (key === sortKey) setDirection(direction === "asc" ? "desc" : "asc");
    else { setSortKey(key); setDirection(key === "word" ? "asc" : "desc"); }
    setPage(0);
  };
  const ariaSort = (key: SortKey) =>
    key === sortKey ? (direction === "asc" ? "ascending" : "descending") : "none";
  const arrow = (key: SortKey) => (key === sortKey ? (direction === "asc" ? " ▲" : " ▼") : "");

  return (
    <section className="panel" id="word-table" data-testid="word-table">
      <h2>Top {words.length || ""} words</h2>
      {rows.length === 0 ? <p className="empty">No words counted yet.</p> : (
        <>
          <table className="table words">
            <thead>
              <tr>
                <th scope="col" className="num">#</th>
                <th scope="col" aria-sort={ariaSort("word")}>
                  <button type="button" id="sort-word" data-testid="sort-word" onClick={() => sortBy("word")}>
                    word{arrow("word")}
                  </button>
                </th>
                <th scope="col" className="num" aria-sort={ariaSort("count")}>
                  <button type="button" id="sort-count" data-testid="sort-count" onClick={() => sortBy("count")}>
                    count{arrow("count")}
                  </button>
                </th>
              </tr>
            </thead>
            <tbody>
              {visible.map((w) => (
                <tr key={w.value} data-testid="word-row" data-word={w.value} data-count={w.count}>
                  <td className="num muted">{w.rank}</td>
                  <td>{w.value}</td>
                  <td className="num">{formatCount(w.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" id="words-prev" data-testid="words-prev" disabled={current === 0}
                    onClick={() => setPage(current - 1)}>‹ prev</button>
            <span id="words-page" data-testid="words-page">page {current + 1} of {pages}</span>
            <button type="button" id="words-next" data-testid="words-next" disabled={current >= pages - 1}
                    onClick={() => setPage(current + 1)}>next ›</button>
          </div>
        </>
      )}
    </section>
  );
}
