import Foundation
import Kafka
import Mongo
import ReviewContracts

/// The write of one ``StoredPosition`` (`offsets` document), in a batch's transaction or on its own: the whole
/// position set, the last key removed when there is none (it would describe another message).
enum StoredPositionWrite {
    static func operation(_ partition: KafkaTopicPartition, next: Int64, lastKey: String?, at now: Date) -> MongoWriteOperation {
        typealias Field = StoredPosition.CodingKeys
        var set: BSONDocument = [
            Field.topic.rawValue: .string(partition.topic), Field.partition.rawValue: .int64(Int64(partition.partition)),
            Field.next.rawValue: .int64(next), Field.updatedAt.rawValue: .date(now),
        ]
        var update: BSONDocument = [:]
        if let lastKey { set[Field.lastKey.rawValue] = .string(lastKey) } else { update["$unset"] = [Field.lastKey.rawValue: ""] }
        update["$set"] = .document(set)
        return .updateOne(filter: ["_id": .string(ResultStore.offsetID(partition))], update: update, upsert: true)
    }

    /// Every stored position of `topic`.
    static func filter(topic: String) -> BSONDocument { [StoredPosition.CodingKeys.topic.rawValue: .string(topic)] }
}
