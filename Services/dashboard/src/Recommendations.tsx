import { MouseEvent, useEffect, useState } from "react";
import { api } from "./api";
import type { Recommendation } from "./contract";
import { navigateTo } from "./router";

/** Four products for the logged-in user: neighbours of what they rated 4–5, else the best-rated popular ones. */
export function Recommendations({ active }: { active: boolean }) {
  const [picks, setPicks] = useState<Recommendation[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!active) return;
    api.recommendations().then((r) => { setPicks(r.recommendations); setProblem(null); },
                              (err) => setProblem(err instanceof Error ? err.message : String(err)));
  }, [active]);
  const open = (e: MouseEvent<HTMLAnchorElement>, id: string) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigateTo(`/products/${encodeURIComponent(id)}`);
  };
  return (
    <section className="panel" id="recommendations" data-testid="recommendations">
      <h2>Recommended for you</h2>
      {problem && <p className="error" role="alert">{problem}</p>}
      {picks && picks.length === 0 && <p className="muted">No products to recommend yet.</p>}
      <ul className="result-list">
        {picks?.map((p) => (
          <li key={p.id} data-testid="recommendation" data-id={p.id} data-reason={p.reason}>
            <a className="product-link" href={`/products/${encodeURIComponent(p.id)}`} onClick={(e) => open(e, p.id)}>
              {p.name ?? `#${p.id}`}
            </a>
            <span className="muted">
              {p.reason === "similar" ? " · like products you rated highly" : " · popular"}
              {p.averageRating != null && ` · ${p.averageRating.toFixed(1)}★`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
