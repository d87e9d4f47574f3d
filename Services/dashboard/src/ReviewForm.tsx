import { FormEvent, useEffect, useState } from "react";
import { api, ApiError } from "./api";
import type { ReviewStatus } from "./contract";
import { formatPercent } from "./format";
import { MAX_REVIEW_TEXT_BYTES, reviewTextProblem, utf8Length } from "./reviewLimits";

const STATUS_POLL_MS = 500;
const STATUS_TIMEOUT_MS = 30_000;

type Tracking = "pending" | "processed" | "timeout";

/** Follows one posted review until the stream processor has predicted it, or gives up after 30 s. */
function useReviewStatus(id: string | null): { status: ReviewStatus | null; tracking: Tracking | null } {
  const [status, setStatus] = useState<ReviewStatus | null>(null);
  const [tracking, setTracking] = useState<Tracking | null>(null);

  useEffect(() => {
    setStatus(null);
    setTracking(id ? "pending" : null);
    if (!id) return;
    let cancelled = false;
    let timer: number | undefined;
    const started = Date.now();
    const check = async () => {
      try {
        const next = await api.review(id);
        if (cancelled) return;
        setStatus(next);
        if (next.status === "processed") { setTracking("processed"); return; }
      } catch {
        // Not visible yet, or a transient failure: the deadline below bounds the retries either way.
        if (cancelled) return;
      }
      if (Date.now() - started >= STATUS_TIMEOUT_MS) { setTracking("timeout"); return; }
      timer = window.setTimeout(check, STATUS_POLL_MS);
    };
    void check();
    return () => { cancelled = true; window.clearTimeout(timer); };
  }, [id]);

  return { status, tracking };
}

/** Posts a single review to `POST /api/v1/reviews` and shows its id, then its prediction. */
export function ReviewForm() {
  const [text, setText] = useState("");
  const [score, setScore] = useState(5);
  const [problem, setProblem] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [reviewId, setReviewId] = useState<string | null>(null);
  const { status, tracking } = useReviewStatus(reviewId);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const invalid = reviewTextProblem(text, score);
    setProblem(invalid);
    if (invalid) return;
    setSubmitting(true);
    try {
      const { id } = await api.submit({ reviewText: text, overall: score });
      setReviewId(id);
      setText("");
    } catch (err) {
      setProblem(err instanceof ApiError
        ? `The server refused the review (${err.status || "no response"}): ${err.message}`
        : String(err));
    } finally {
      setSubmitting(false);
    }
  };

  const bytes = utf8Length(text);
  const prediction = status?.prediction;
  return (
    <section className="panel" id="review-form-panel">
      <h2>Post a review</h2>
      <form id="review-form" data-testid="review-form" onSubmit={onSubmit} noValidate>
        <label htmlFor="review-text">Review text</label>
        <textarea id="review-text" data-testid="review-text" rows={6} value={text}
                  placeholder="Loved the fabric, but it runs small…"
                  aria-invalid={problem ? true : undefined} aria-describedby="review-size"
                  onChange={(e) => { setText(e.target.value); setProblem(null); }} />
        <div className="form-row">
          <label htmlFor="review-score">Score</label>
          <select id="review-score" data-testid="review-score" value={score}
                  onChange={(e) => setScore(Number(e.target.value))}>
            {[5, 4, 3, 2, 1].map((n) => <option key={n} value={n}>{"★".repeat(n)} {n}</option>)}
          </select>
          <span id="review-size" className={`muted size ${bytes > MAX_REVIEW_TEXT_BYTES ? "over" : ""}`}>
            {(bytes / 1024).toFixed(1)} / {MAX_REVIEW_TEXT_BYTES / 1024} KiB
          </span>
          <button type="submit" id="review-submit" data-testid="review-submit" className="primary"
                  disabled={submitting}>
            {submitting ? "Posting…" : "Post review"}
          </button>
        </div>
        {problem && <p id="review-error" data-testid="review-error" className="error" role="alert">{problem}</p>}
      </form>
      {reviewId && (
        <div className="result" id="review-result" data-testid="review-result">
          <p>Accepted as <code id="review-id" data-testid="review-id">{reviewId}</code></p>
          <p id="review-status" data-testid="review-status" data-status={tracking ?? ""}>
            {tracking === "pending" && "Waiting for the stream processor…"}
            {tracking === "timeout" && "Still not processed after 30 s; it will show on the dashboard once it is."}
            {tracking === "processed" && prediction && (
              <>
                Predicted <span className={`badge ${prediction.result}`}>{prediction.result}</span>{" "}
                (expected <span className={`badge ${prediction.expected}`}>{prediction.expected}</span>
                {prediction.probability != null && `, probability ${formatPercent(prediction.probability, 0)}`}
                {prediction.modelVersion && `, model ${prediction.modelVersion}`})
              </>
            )}
            {tracking === "processed" && !prediction && "Processed."}
          </p>
        </div>
      )}
    </section>
  );
}
