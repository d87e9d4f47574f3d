/// How the gateway picks a healthy upstream for a request.
enum BalancingStrategy: String, CaseIterable, Sendable {
    /// Each upstream in turn.
    case roundRobin = "round-robin"
    /// The upstream with the fewest requests in flight (open event streams count), ties taken in turn.
    case leastConnections = "least-connections"
}
