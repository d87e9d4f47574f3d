import { useEffect, useState } from "react";
import { ApiError } from "../../api";
import { ProductDetail, productApi, productName, ProductReview } from "../../api/products";
import { ProductLink } from "../../components/ProductLink";
import { formatCount, formatPercent } from "../../format";

const REFRESH_MS = 5000;

/** One product: its figures, rating histogram, the model's accuracy on it, newest reviews and similar products. */
export function ProductDetailView({ productId }: { productId: string }) {
  const [product, setProduct] = useState<ProductDetail | null>(null);
  const [reviews, setReviews] = useState<ProductReview[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setProduct(null);
    setReviews([]);
    const load = () => {
      productApi.product(productId).then(
        (loaded) => { if (current) { setProduct(loaded); setProblem(null); } },
        (e: unknown) => { if (current) setProblem(e instanceof ApiError ? e.detail || e.reason : String(e)); });
      productApi.reviews(productId, 10).then((page) => { if (current) setReviews(page.reviews); }, () => undefined);
    };
    load();
    const timer = window.setInterval(load, REFRESH_MS);
    return () => { current = false; window.clearInterval(timer); };
  }, [productId]);

  if (problem && !product) return <section className="panel" data-testid="product-detail"><p className="error">{problem}</p></section>;
  if (!product) return <section className="panel" data-testid="product-detail"><p className="empty">Loading…</p></section>;
  const most = Math.max(1, ...Object.values(product.ratingHistogram));
  return (
    <section className="panel product-detail" data-testid="product-detail" data-product-id={product.id}>
      <h2 data-testid="product-name">{productName(product)}</h2>
      <p className="panel-note">{[product.division, product.department, product.class].filter(Boolean).join(" · ") || "not in the catalog yet"}</p>
      <div className="figures">
        <div className="figure"><div className="figure-value" data-testid="product-reviews">{formatCount(product.reviews)}</div><div className="figure-label">reviews</div></div>
        <div className="figure"><div className="figure-value">{product.averageRating != null ? product.averageRating.toFixed(2) : "–"}</div><div className="figure-label">average rating</div></div>
        <div className="figure"><div className="figure-value">{formatPercent(product.accuracy)}</div><div className="figure-label">model right</div></div>
        <div className="figure"><div className="figure-value">{formatCount(product.predicted.pos)} / {formatCount(product.predicted.neg)}</div><div className="figure-label">predicted pos / neg</div></div>
      </div>
      <h3>Ratings</h3>
      <div className="histogram" data-testid="rating-histogram">
        {(["5", "4", "3", "2", "1"] as const).map((stars) => (
          <div className="histogram-row" key={stars}>
            <span>{stars} ★</span>
            <span className="bar"><span style={{ width: `${(100 * product.ratingHistogram[stars]) / most}%` }} /></span>
            <span className="num">{formatCount(product.ratingHistogram[stars])}</span>
          </div>
        ))}
      </div>
      <h3>Similar products</h3>
      {product.similar.length === 0
        ? <p className="empty">Not computed yet.</p>
        : (
          <ul className="result-list" data-testid="similar-products">
            {product.similar.map((s) => (
              <li key={s.id}><ProductLink id={s.id} testId="similar-product">{productName(s)}</ProductLink> <span className="muted">({s.score.toFixed(2)})</span></li>
            ))}
          </ul>
        )}
      <h3>Newest reviews</h3>
      {reviews.length === 0 ? <p className="empty">No reviews yet.</p> : (
        <ul className="review-snippets" data-testid="product-reviews-list">
          {reviews.map((r) => (
            <li key={r.id} className={r.result === r.expected ? "" : "wrong"}>
              <span className={`label ${r.result}`}>{r.result}</span> {r.score != null ? `${r.score} ★ ` : ""}“{r.review}”
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
