import { useEffect, useState } from "react";
import { productApi, productName, ProductSummary, TopProductsEvent } from "../../api/products";
import { ProductLink } from "../../components/ProductLink";
import { formatCount } from "../../format";

const REFRESH_MS = 5000;

/**
 * The live top 10 products, by reviews or by rating (products with at least 5 reviews), and how many there are.
 * Loaded once with the GETs, then kept current by the live stream's `products` event (`live`); while the stream is
 * down (`live` null) it polls every 5 s.
 */
export function TopProducts({ hidden, live }: { hidden: boolean; live: TopProductsEvent | null }) {
  const [by, setBy] = useState<"reviews" | "rating">("reviews");
  const [loaded, setLoaded] = useState<ProductSummary[]>([]);
  const [loadedTotal, setLoadedTotal] = useState<number | null>(null);
  const following = live !== null;

  useEffect(() => {
    if (hidden) return;
    let current = true;
    const load = () => {
      productApi.top(by).then((top) => { if (current) setLoaded(top); }, () => undefined);
      productApi.page("reviews", 1).then((page) => { if (current) setLoadedTotal(page.total); }, () => undefined);
    };
    load();
    const timer = following ? undefined : window.setInterval(load, REFRESH_MS);
    return () => { current = false; window.clearInterval(timer); };
  }, [by, hidden, following]);

  const top = live ? (by === "reviews" ? live.byReviews : live.byRating) : loaded;
  const total = live ? live.total : loadedTotal;

  return (
    <section className="panel" id="top-products" data-testid="top-products" data-by={by}>
      <h2>Top 10 products</h2>
      <p className="panel-note" data-testid="product-total">{total == null ? "–" : `${formatCount(total)} products`}</p>
      <div className="switch" role="group" aria-label="Rank by">
        <button type="button" aria-pressed={by === "reviews"} data-testid="top-by-reviews" onClick={() => setBy("reviews")}>by reviews</button>
        <button type="button" aria-pressed={by === "rating"} data-testid="top-by-rating" onClick={() => setBy("rating")}>by rating</button>
      </div>
      {top.length === 0 ? <p className="empty">No products yet.</p> : (
        <ol className="top-list">
          {top.map((p) => (
            <li key={p.id} data-testid="top-product">
              <ProductLink id={p.id}>{productName(p)}</ProductLink>
              <span className="muted"> {by === "rating" && p.averageRating != null ? `${p.averageRating.toFixed(2)} ★ · ` : ""}{formatCount(p.reviews)} reviews</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
