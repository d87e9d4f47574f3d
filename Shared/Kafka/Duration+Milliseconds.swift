extension Duration {
    /// Whole milliseconds, rounded down: librdkafka's timeouts are integer milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole milliseconds, rounded up, so a wait of this many milliseconds is never shorter than the duration.
    var millisecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        let remainder = attoseconds % 1_000_000_000_000_000
        return milliseconds + (remainder > 0 ? 1 : 0)
    }
}
