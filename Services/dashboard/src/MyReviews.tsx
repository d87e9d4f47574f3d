import { useCallback, useEffect, useState } from "react";
import { api } from "./api";
import type { OwnReview } from "./contract";
import { formatPercent } from "./format";

const PAGE = 20;
const REFRESH_MS = 3000;

/** The logged-in user's reviews, newest first, with the model's prediction and whether it matched their score. */
export function MyReviews({ active }: { active: boolean }) {
  const [reviews, setReviews] = useState<OwnReview[]>([]);
  const [shown, setShown] = useState(PAGE);
  const [more, setMore] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      // One request for everything shown, so a refresh keeps the pages already opened.
      const page = await api.myReviews(Math.min(shown + 1, 100));
      setReviews(page.reviews.slice(0, shown));
      setMore(page.reviews.length > shown);
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  }, [shown]);

  // New reviews appear once the processor has predicted them, so the list refreshes while the page is open.
  useEffect(() => {
    if (!active) return;
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [active, load]);

  return (
    <section className="panel" id="my-reviews" data-testid="my-reviews">
      <h2>Your reviews</h2>
      {problem && <p className="error" role="alert">{problem}</p>}
      {reviews.length === 0 && !problem && <p className="muted" data-testid="my-reviews-empty">No processed reviews yet.</p>}
      <ul className="own-reviews">
        {reviews.map((r) => (
          <li key={r.id} data-testid="my-review" data-id={r.id} data-correct={r.correct} className={r.correct ? "" : "mismatch"}>
            <p className="text">{r.review}</p>
            <p className="verdict">
              Predicted <span className={`badge ${r.result}`}>{r.result}</span>{" "}
              for a {r.score ?? "?"}★ review{r.probability != null && ` (probability ${formatPercent(r.probability, 0)})`}:{" "}
              <strong className={r.correct ? "ok" : "bad"}>{r.correct ? "right" : "wrong"}</strong>
              {r.processedAt && <span className="muted"> · {new Date(r.processedAt).toLocaleString()}</span>}
            </p>
          </li>
        ))}
      </ul>
      {more && shown < 100 && <button type="button" data-testid="my-reviews-more" onClick={() => setShown((n) => n + PAGE)}>Show more</button>}
    </section>
  );
}
