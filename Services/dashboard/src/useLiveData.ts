import { useEffect, useReducer, useState } from "react";
import { api } from "./api";
import type { TopProductsEvent } from "./api/products";
import type { AccuracyPoint, Prediction, Summary, WordCount } from "./contract";
import { applyLiveUpdate, emptyLiveData, LiveData, LiveUpdate } from "./liveState";

/** How the dashboard currently gets its data. */
export type Connection = "connecting" | "live" | "polling" | "offline";

const POLL_INTERVAL_MS = 2000;
const STREAM_RETRY_MIN_MS = 2000;
const STREAM_RETRY_MAX_MS = 30000;

/**
 * Loads the dashboard data with the GET endpoints, then follows `/api/v1/stream`. While the stream is down it
 * polls the GETs every 2 s and keeps retrying the stream with backoff. Lives in the app shell, so the data stays
 * current while the management page is shown.
 */
export function useLiveData(): { data: LiveData; connection: Connection } {
  const [data, dispatch] = useReducer(applyLiveUpdate, emptyLiveData);
  const [connection, setConnection] = useState<Connection>("connecting");

  useEffect(() => {
    let stopped = false;
    let stream: EventSource | null = null;
    let pollTimer: number | undefined;
    let retryTimer: number | undefined;
    let retryDelay = STREAM_RETRY_MIN_MS;

    const apply = (update: LiveUpdate) => { if (!stopped) dispatch(update); };

    /** Fetches all four GETs; true when at least one answered. */
    const loadSnapshot = async (): Promise<boolean> => {
      const [words, predictions, accuracy, summary] = await Promise.allSettled(
        [api.words(100), api.predictions(), api.accuracy(), api.summary()] as const);
      if (words.status === "fulfilled") apply({ kind: "words", words: words.value });
      if (predictions.status === "fulfilled") apply({ kind: "predictions", predictions: predictions.value });
      if (accuracy.status === "fulfilled") apply({ kind: "accuracy", points: accuracy.value });
      if (summary.status === "fulfilled") apply({ kind: "summary", summary: summary.value });
      return [words, predictions, accuracy, summary].some((r) => r.status === "fulfilled");
    };

    // Bumped on every start/stop so a poll still in flight from an earlier round ends instead of doubling up.
    let pollRound = 0;
    let polling = false;
    const poll = async (round: number) => {
      const reachable = await loadSnapshot();
      if (stopped || round !== pollRound) return;
      setConnection(reachable ? "polling" : "offline");
      pollTimer = window.setTimeout(() => void poll(round), POLL_INTERVAL_MS);
    };

    const startPolling = () => {
      if (polling) return;
      polling = true;
      void poll(++pollRound);
    };

    const stopPolling = () => {
      polling = false;
      pollRound++;
      window.clearTimeout(pollTimer);
    };

    const listen = <T,>(source: EventSource, event: string, toUpdate: (value: T) => LiveUpdate) => {
      source.addEventListener(event, (e) => {
        let value: T;
        try { value = JSON.parse((e as MessageEvent<string>).data); } catch { return; }
        apply(toUpdate(value));
      });
    };

    const openStream = () => {
      retryTimer = undefined;
      if (stopped) return;
      const source = new EventSource("/api/v1/stream");
      stream = source;
      source.onopen = () => {
        retryDelay = STREAM_RETRY_MIN_MS;
        stopPolling();
        setConnection("live");
        // Catch up on whatever happened while the stream was down (or before it opened).
        void loadSnapshot();
      };
      source.onerror = () => {
        // Take over from EventSource's own reconnect so that polling runs while the stream is away.
        source.close();
        if (stream === source) stream = null;
        if (stopped) return;
        startPolling();
        retryTimer = window.setTimeout(openStream, retryDelay);
        retryDelay = Math.min(retryDelay * 2, STREAM_RETRY_MAX_MS);
      };
      listen<WordCount[]>(source, "words", (words) => ({ kind: "words", words }));
      listen<Prediction[]>(source, "predictions", (predictions) => ({ kind: "predictions", predictions }));
      listen<AccuracyPoint[]>(source, "accuracy", (points) => ({ kind: "accuracy", points }));
      listen<Summary>(source, "summary", (summary) => ({ kind: "summary", summary }));
      listen<TopProductsEvent>(source, "products", (top) => ({ kind: "products", top }));
    };

    void loadSnapshot().then((reachable) => {
      if (!reachable && !stopped && stream?.readyState !== EventSource.OPEN) setConnection("offline");
    });
    openStream();

    return () => {
      stopped = true;
      stream?.close();
      stopPolling();
      window.clearTimeout(retryTimer);
    };
  }, []);

  return { data, connection };
}
