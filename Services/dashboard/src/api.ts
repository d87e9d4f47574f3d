import type {
  AccuracyPoint, ErrorBody, LoginResponse, OwnReviews, Prediction, Recommendation, ReviewStatus, ReviewSubmission, SampleReview,
  SimulationJob, Summary, UserProfile, WordCount,
} from "./contract";

/** A failed request: the HTTP status (0 when the server could not be reached) and the server's own error text. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly reason: string, readonly detail: string) {
    super(detail ? `${reason}: ${detail}` : reason);
  }
}

export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: "application/json", ...init?.headers } });
  } catch (e) {
    throw new ApiError(0, "network error", e instanceof Error ? e.message : String(e));
  }
  const text = await response.text();
  if (response.status === 204) return undefined as T;
  if (!response.ok) {
    // The contract promises {error, detail}; a proxy in between may answer with plain text or HTML instead.
    let body: Partial<ErrorBody> = {};
    try { body = JSON.parse(text); } catch { /* not JSON: fall back to the status line */ }
    throw new ApiError(response.status, body.error ?? `HTTP ${response.status}`,
                       body.detail ?? (body.error ? "" : response.statusText));
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, "invalid response", `${path} did not return JSON`);
  }
}

export const api = {
  words: (limit = 100) => request<WordCount[]>(`/api/results/wordcount?limit=${limit}`),
  predictions: () => request<Prediction[]>("/api/results/sentiment"),
  accuracy: () => request<AccuracyPoint[]>("/api/results/sentiment/accuracy"),
  summary: () => request<Summary>("/api/v1/summary"),
  review: (id: string) => request<ReviewStatus>(`/api/v1/reviews/${encodeURIComponent(id)}`),
  submit: (review: ReviewSubmission) => request<{ id: string }>("/api/v1/reviews", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(review),
  }),
  samples: () => request<SampleReview[]>("/samples.json"),
  // Accounts: the session travels as an HttpOnly cookie, which same-origin fetches send by themselves.
  me: () => request<UserProfile>("/api/v1/me"),
  /** Always 200: `{user: null}` when logged out, so a visitor's page load logs no failed request. */
  session: () => request<{ user: UserProfile | null }>("/api/v1/session"),
  login: (username: string, password: string) => postJSON<LoginResponse>("/api/v1/login", { username, password }),
  logout: () => request<void>("/api/v1/logout", { method: "POST" }),
  recommendations: () => request<{ recommendations: Recommendation[] }>("/api/v1/me/recommendations"),
  myReviews: (limit: number, skip = 0) => request<OwnReviews>(`/api/v1/me/reviews?limit=${limit}&skip=${skip}`),
  /** The newest simulation; undefined (204) when none ever ran. */
  simulation: () => request<SimulationJob | undefined>("/api/v1/simulate"),
  simulate: (count: number) => postJSON<SimulationJob>("/api/v1/simulate", { count }),
};

function postJSON<T>(path: string, body: unknown): Promise<T> {
  return request<T>(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}
