// Shapes of the api-server's HTTP contract (docs/data-contracts.md, HTTP). Field names match the wire format.

export type Label = "pos" | "neg";

/** One row of `GET /api/results/wordcount`; `value` is the word, `_id` repeats it. */
export interface WordCount {
  _id?: string;
  value: string;
  count: number;
}

/** One processed review, as in `GET /api/results/sentiment` and the stream's `predictions` event. */
export interface Prediction {
  _id: string;
  review: string;
  expected: Label;
  result: Label;
  probability?: number;
  modelVersion?: string;
  processedAt?: string;
}

/** One point of `GET /api/results/sentiment/accuracy`: accuracy `value` (0–1) after `_id` reviews. */
export interface AccuracyPoint {
  _id: number;
  value: number;
}

/** `GET /api/v1/summary` and the stream's `summary` event. */
export interface Summary {
  reviews: number;
  correct: number;
  /** null until the first review is processed. */
  accuracy: number | null;
  modelVersion: string | null;
  reviewsPerMinute: number;
  distinctWords: number;
  deadLettered: number;
}

/** Body of `POST /api/v1/reviews`. */
export interface ReviewSubmission {
  reviewText: string;
  overall: number;
  itemId?: string;
  summary?: string;
}

/** `GET /api/v1/reviews/{id}`. */
export interface ReviewStatus {
  id: string;
  status: "pending" | "processed";
  prediction?: {
    result: Label;
    expected: Label;
    probability?: number;
    modelVersion?: string;
  };
}

/** The JSON error body every service returns with a 4xx/5xx status. */
export interface ErrorBody {
  error: string;
  detail?: string;
}

/** One entry of `/samples.json`, written by scripts/local/build-dashboard from real reviews. */
export interface SampleReview {
  reviewText: string;
  overall: number;
  summary?: string;
  itemId?: string;
}

/** An account as the API shows it (`GET /api/v1/me`, login); never a password hash. */
export interface UserProfile {
  id: string;
  username: string;
  displayName: string;
  role: "user" | "admin";
  createdAt: string;
  lastLoginAt?: string;
}

/** `POST /api/v1/login` and `POST /api/v1/register`; the browser also gets the session as an HttpOnly cookie. */
export interface LoginResponse {
  user: UserProfile;
  token: string;
  expiresAt: string;
}

/** One of the user's own reviews with the model's verdict (`GET /api/v1/me/reviews`). */
export interface OwnReview {
  id: string;
  review: string;
  expected: Label;
  result: Label;
  correct: boolean;
  score?: number;
  probability?: number;
  processedAt?: string;
}

export interface OwnReviews {
  reviews: OwnReview[];
  limit: number;
  skip: number;
}

/** A server-side simulation (`POST`/`GET /api/v1/simulate`, admins only), as stored: its id is `_id`. */
export interface SimulationJob {
  _id: string;
  requestedBy: string;
  count: number;
  published: number;
  failed: number;
  rate: number;
  state: "running" | "finished" | "abandoned";
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** One of `GET /api/v1/me/recommendations`: from liked products' neighbours (`similar`) or the best-rated (`popular`). */
export interface Recommendation {
  id: string;
  name?: string;
  averageRating?: number;
  score?: number;
  reason: "similar" | "popular";
}
