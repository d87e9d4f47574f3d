/// How a service writes its log lines.
public enum LogFormat: String, CaseIterable, Sendable {
    /// One JSON object per line, for log shippers.
    case json
    /// `key=value` pairs, readable in a terminal and parseable by Loki/Grafana.
    case logfmt
}
