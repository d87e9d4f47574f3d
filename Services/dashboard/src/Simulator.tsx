import { FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError } from "./api";
import type { SimulationJob } from "./contract";

const DEFAULT_COUNT = 100;
const MAX_COUNT = 5000;
const POLL_MS = 500;

/**
 * Starts a server-side simulation (`POST /api/v1/simulate`): the api-server publishes N real reviews from the
 * dataset at a bounded rate, and this panel follows its progress (`GET /api/v1/simulate`), so closing the tab does
 * not stop it and any admin sees the same job.
 */
export function Simulator({ active }: { active: boolean }) {
  const [countInput, setCountInput] = useState(String(DEFAULT_COUNT));
  const [problem, setProblem] = useState<string | null>(null);
  const [job, setJob] = useState<SimulationJob | null>(null);
  const running = job?.state === "running";
  // Bumped by every start: a progress read sent before a start may answer after it (the read that opening the page
  // sends races the first click), and its older "no job" must not replace the job the start returned.
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const sent = generation.current;
    try {
      const latest = (await api.simulation()) ?? null;
      if (sent === generation.current) setJob(latest);
    } catch (err) {
      if (sent === generation.current) setProblem(err instanceof Error ? err.message : String(err));
    }
  }, []);

  useEffect(() => { if (active) void refresh(); }, [active, refresh]);
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => void refresh(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [running, refresh]);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(countInput);
    if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT) {
      setProblem(`Enter a whole number from 1 to ${MAX_COUNT}.`);
      return;
    }
    setProblem(null);
    generation.current += 1;
    try {
      setJob(await api.simulate(n));
    } catch (err) {
      setProblem(err instanceof ApiError ? `The server refused the simulation (${err.status || "no response"}): ${err.message}`
        : String(err));
    }
  };

  const done = job ? job.published + job.failed : 0;
  const fraction = job ? done / job.count : 0;
  const finished = job ? (job.finishedAt ? Date.parse(job.finishedAt) : Date.parse(job.updatedAt)) : 0;
  const seconds = job ? Math.max(0, finished - Date.parse(job.startedAt)) / 1000 : 0;
  return (
    <section className="panel" id="simulate-panel">
      <h2>Simulate reviews</h2>
      <p className="panel-note">The server publishes real reviews from the dataset{job ? `, at most ${job.rate} a second` : ""}.</p>
      <form id="simulate-form" data-testid="simulate-form" className="form-row" onSubmit={start} noValidate>
        <label htmlFor="simulate-count">Reviews</label>
        <input id="simulate-count" data-testid="simulate-count" type="number" min={1} max={MAX_COUNT} step={1}
               inputMode="numeric" value={countInput} disabled={running}
               onChange={(e) => { setCountInput(e.target.value); setProblem(null); }} />
        <button type="submit" id="simulate-start" data-testid="simulate-start" className="primary" disabled={running}>
          {running ? "Running…" : "Simulate"}
        </button>
      </form>
      {problem && <p id="simulate-error" data-testid="simulate-error" className="error" role="alert">{problem}</p>}
      {job && (
        <div className="simulation" id="simulate-progress" data-testid="simulate-progress" data-job-id={job._id}
             data-done={done} data-total={job.count} data-finished={job.state !== "running"} data-state={job.state}>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={job.count}
               aria-valuenow={done} aria-label="Reviews published">
            <div className="progress-bar" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
          </div>
          <p>
            <span id="simulate-accepted" data-testid="simulate-accepted" className="ok">{job.published}</span>{" "}
            published · <span id="simulate-failed" data-testid="simulate-failed"
                               className={job.failed ? "bad" : undefined}>{job.failed}</span> failed
            · {done} of {job.count} in {seconds.toFixed(1)} s
            {seconds > 0 && done > 0 && ` (${(done / seconds).toFixed(0)}/s)`}
            {job.state === "abandoned" && " · abandoned (its api-server stopped)"}
          </p>
        </div>
      )}
    </section>
  );
}
