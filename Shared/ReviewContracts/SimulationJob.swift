import Foundation

/// A server-side simulation an admin started, as stored in the `simulations` collection: real reviews from the
/// dataset published at a bounded rate. The api-server running it updates the progress about once a second, so any
/// api-server can report it.
public struct SimulationJob: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case running
        case finished
        /// The api-server running it stopped before it finished (its progress stopped moving).
        case abandoned
    }

    public var id: String
    /// The ``User/id`` of the admin who started it.
    public var requestedBy: String
    /// Reviews to publish.
    public var count: Int
    /// Reviews the broker acknowledged so far.
    public var published: Int
    /// Reviews the broker did not acknowledge in time.
    public var failed: Int
    /// Reviews a second, at most.
    public var rate: Int
    public var state: State
    public var startedAt: Date
    /// When the progress was last written; a running job whose progress is older than a few seconds was abandoned.
    public var updatedAt: Date
    public var finishedAt: Date?

    public init(id: String, requestedBy: String, count: Int, rate: Int, startedAt: Date) {
        self.id = id
        self.requestedBy = requestedBy
        self.count = count
        published = 0
        failed = 0
        self.rate = rate
        state = .running
        self.startedAt = startedAt
        updatedAt = startedAt
        finishedAt = nil
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case requestedBy, count, published, failed, rate, state, startedAt, updatedAt, finishedAt
    }

    /// Field names for queries and updates.
    public enum Field {
        public static let id = CodingKeys.id.rawValue
        public static let state = CodingKeys.state.rawValue
        public static let startedAt = CodingKeys.startedAt.rawValue
        public static let updatedAt = CodingKeys.updatedAt.rawValue
    }
}
