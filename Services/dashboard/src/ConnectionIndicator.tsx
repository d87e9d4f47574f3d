import type { Connection } from "./useLiveData";

const labels: Record<Connection, { text: string; title: string }> = {
  connecting: { text: "connecting", title: "Opening the live stream" },
  live: { text: "live", title: "Receiving updates from /api/v1/stream" },
  polling: { text: "polling", title: "Live stream unavailable; refreshing every 2 s and retrying the stream" },
  offline: { text: "offline", title: "The API cannot be reached; retrying" },
};

/** Shows whether the dashboard is streaming, polling or cut off. */
export function ConnectionIndicator({ connection }: { connection: Connection }) {
  const { text, title } = labels[connection];
  return (
    <span id="connection" data-testid="connection" data-state={connection} className={`connection ${connection}`}
          title={title} role="status">
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}
