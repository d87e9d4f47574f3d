import { useEffect, useState } from "react";
import { ApiError } from "../../api";
import { productApi, productName, SearchResults } from "../../api/products";
import { ProductLink } from "../../components/ProductLink";
import { formatCount } from "../../format";

/** Time without typing before a query is sent, so a word typed letter by letter costs one request. */
const DEBOUNCE_MS = 250;
const MAX_QUERY = 100;

/** Search box with results as you type: matching products (links) and reviews of theirs that use the words. */
export function ProductSearch() {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<SearchResults | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const q = query.trim();
    if (!q) { setResults(null); setProblem(null); return; }
    let current = true;
    const timer = window.setTimeout(() => {
      productApi.search(q).then(
        (found) => { if (current) { setResults(found); setProblem(null); } },
        (e: unknown) => {
          if (!current) return;
          setResults(null);
          setProblem(e instanceof ApiError ? e.detail || e.reason : String(e));
        });
    }, DEBOUNCE_MS);
    return () => { current = false; window.clearTimeout(timer); };
  }, [query]);

  return (
    <section className="panel" id="product-search" data-testid="product-search">
      <h2>Search products</h2>
      <input type="search" className="search-box" data-testid="search-input" placeholder="name, category or words of reviews"
             value={query} maxLength={MAX_QUERY} onChange={(e) => setQuery(e.target.value)} aria-label="Search products" />
      {problem && <p className="error" data-testid="search-problem">{problem}</p>}
      {results && (
        <div className="search-results" data-testid="search-results">
          {results.products.length === 0
            ? <p className="empty">No product matches.</p>
            : (
              <ul className="result-list">
                {results.products.map((p) => (
                  <li key={p.id}>
                    <ProductLink id={p.id} testId="search-result">{productName(p)}</ProductLink>
                    <span className="muted"> · {[p.department, p.class].filter(Boolean).join(" / ")} · {formatCount(p.reviews)} reviews</span>
                  </li>
                ))}
              </ul>
            )}
          {results.reviews.length > 0 && (
            <ul className="review-snippets">
              {results.reviews.map((r) => (
                <li key={r.id}>“{r.review.length > 160 ? `${r.review.slice(0, 159)}…` : r.review}”</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
