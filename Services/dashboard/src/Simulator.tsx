import { FormEvent, useEffect, useRef, useState } from "react";
import { api } from "./api";
import type { SampleReview } from "./contract";

const DEFAULT_COUNT = 100;
const MAX_COUNT = 5000;
const CONCURRENCY = 8;

interface Progress {
  total: number;
  accepted: number;
  failed: number;
  startedAt: number;
  finishedAt: number | null;
  lastError: string | null;
  cancelled: boolean;
}

/**
 * Posts N real reviews from `/samples.json` through `POST /api/v1/reviews`, at most 8 in flight, so the whole
 * pipeline (API, broker, processor, database, stream) can be watched under load.
 */
export function Simulator() {
  const [countInput, setCountInput] = useState(String(DEFAULT_COUNT));
  const [problem, setProblem] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const samples = useRef<SampleReview[] | null>(null);
  const cancel = useRef(false);
  const running = progress !== null && progress.finishedAt === null;
  // Re-render every second while running so the rate stays current between responses.
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setTick((t) => t + 1), 1000);
    return () => window.clearInterval(timer);
  }, [running]);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(countInput);
    if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT) {
      setProblem(`Enter a whole number from 1 to ${MAX_COUNT}.`);
      return;
    }
    setProblem(null);
    try {
      samples.current ??= await api.samples();
    } catch (err) {
      setProblem(`Could not load the sample reviews: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const pool = samples.current.filter((s) => s.reviewText?.trim());
    if (pool.length === 0) { setProblem("samples.json holds no reviews."); return; }

    cancel.current = false;
    setProgress({ total: n, accepted: 0, failed: 0, startedAt: Date.now(), finishedAt: null, lastError: null,
                  cancelled: false });
    // A random starting point so that repeated runs do not always send the same reviews first.
    const offset = Math.floor(Math.random() * pool.length);
    let next = 0;
    const worker = async () => {
      while (!cancel.current && next < n) {
        const sample = pool[(offset + next++) % pool.length];
        try {
          await api.submit({ reviewText: sample.reviewText, overall: sample.overall, summary: sample.summary,
                             itemId: sample.itemId });
          setProgress((p) => p && { ...p, accepted: p.accepted + 1 });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          setProgress((p) => p && { ...p, failed: p.failed + 1, lastError: message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
    setProgress((p) => p && { ...p, finishedAt: Date.now(), cancelled: cancel.current });
  };

  const done = progress ? progress.accepted + progress.failed : 0;
  const fraction = progress ? done / progress.total : 0;
  const seconds = progress ? ((progress.finishedAt ?? Date.now()) - progress.startedAt) / 1000 : 0;
  return (
    <section className="panel" id="simulate-panel">
      <h2>Simulate reviews</h2>
      <p className="panel-note">Sends real reviews from the sample set, {CONCURRENCY} at a time.</p>
      <form id="simulate-form" data-testid="simulate-form" className="form-row" onSubmit={start} noValidate>
        <label htmlFor="simulate-count">Reviews</label>
        <input id="simulate-count" data-testid="simulate-count" type="number" min={1} max={MAX_COUNT} step={1}
               inputMode="numeric" value={countInput} disabled={running}
               onChange={(e) => { setCountInput(e.target.value); setProblem(null); }} />
        {running
          ? <button type="button" id="simulate-cancel" data-testid="simulate-cancel"
                    onClick={() => { cancel.current = true; }}>Stop</button>
          : <button type="submit" id="simulate-start" data-testid="simulate-start" className="primary">
              Simulate
            </button>}
      </form>
      {problem && <p id="simulate-error" data-testid="simulate-error" className="error" role="alert">{problem}</p>}
      {progress && (
        <div className="simulation" id="simulate-progress" data-testid="simulate-progress"
             data-done={done} data-total={progress.total} data-finished={progress.finishedAt !== null}>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total}
               aria-valuenow={done} aria-label="Reviews sent">
            <div className="progress-bar" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
          </div>
          <p>
            <span id="simulate-accepted" data-testid="simulate-accepted" className="ok">{progress.accepted}</span>{" "}
            accepted · <span id="simulate-failed" data-testid="simulate-failed"
                              className={progress.failed ? "bad" : undefined}>{progress.failed}</span> failed
            · {done} of {progress.total} in {seconds.toFixed(1)} s
            {seconds > 0 && done > 0 && ` (${(done / seconds).toFixed(0)}/s)`}
            {progress.cancelled && " · stopped"}
          </p>
          {progress.lastError && <p className="error">Last error: {progress.lastError}</p>}
        </div>
      )}
    </section>
  );
}
