import Foundation

/// A `similar` document: one product's nearest products by cosine similarity of their reviews' TF-IDF profiles,
/// best first, written by `trainer similar`, which replaces the whole collection at once.
public struct SimilarProducts: Codable, Sendable, Equatable {
    /// One neighbour and its cosine similarity, in (0, 1].
    public struct Neighbour: Codable, Sendable, Equatable {
        public var id: String
        public var score: Double

        public init(id: String, score: Double) {
            self.id = id
            self.score = score
        }
    }

    public var id: String
    public var similar: [Neighbour]
    /// When the set this document belongs to was computed.
    public var computedAt: Date

    public enum CodingKeys: String, CodingKey {
        case id = "_id"
        case similar, computedAt
    }

    public init(id: String, similar: [Neighbour], computedAt: Date) {
        self.id = id
        self.similar = similar
        self.computedAt = computedAt
    }

}
